import { AppError, MAX_IMAGES_PER_PRODUCT, newObjectId, type Product, type ProductRepository, type Store } from "@ingest/shared";
import { describe, expect, it } from "vitest";

function appendCapped(url: string) {
  return (current: Product) => {
    if (current.images.length >= MAX_IMAGES_PER_PRODUCT) throw new AppError("image_cap_reached", "cap");
    return { change: { kind: "update" as const, fields: { ...current, images: [...current.images, { url }] } }, result: url };
  };
}

const removeByValue = (url: string) => (current: Product) => ({
  change: { kind: "update" as const, fields: { ...current, images: current.images.filter((entry) => entry.url !== url) } },
  result: url,
});

/** The product port's contract; every adapter's test file runs it on a real backend. */
export function productContract(store: () => Store): void {
  const products = (): ProductRepository => store().repositories.products;

  describe("products", () => {
    it("creates, finds and reports version 1 with the given fields", async () => {
      const created = await products().create("company-a", { name: "Chair", sku: "S-1", images: [{ url: "https://x.test/a.jpg" }] });
      expect(created.id).toMatch(/^[0-9a-f]{24}$/);
      expect(created).toMatchObject({ companyId: "company-a", name: "Chair", sku: "S-1", version: 1, images: [{ url: "https://x.test/a.jpg" }] });
      expect(await products().find("company-a", created.id)).toEqual(created);
    });

    it("keeps the cap under 50 concurrent appends: exactly 20 win, the rest are refused (three rounds)", async () => {
      for (let round = 0; round < 3; round++) {
        const product = await products().create("company-a", { name: `cap-${round}`, sku: null, images: [] });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => products().change("company-a", product.id, appendCapped(`https://x.test/${round}-${i}.jpg`))),
        );
        const won = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.result] : []));
        const refused = outcomes.filter((o) => o.status === "rejected" && (o.reason as AppError).code === "image_cap_reached");
        expect(won).toHaveLength(20);
        expect(refused).toHaveLength(30);
        const stored = await products().find("company-a", product.id);
        expect(stored?.images.map((entry) => entry.url).sort()).toEqual([...won].sort());
        expect(stored?.version).toBe(21);
      }
    });

    it("never loses or duplicates an entry when deletes and appends race", async () => {
      const seed = Array.from({ length: 10 }, (_, i) => ({ url: `https://x.test/seed-${i}.jpg` }));
      const product = await products().create("company-a", { name: "race", sku: null, images: seed });
      await Promise.all([
        ...seed.slice(0, 5).map((entry) => products().change("company-a", product.id, removeByValue(entry.url))),
        ...Array.from({ length: 8 }, (_, i) => products().change("company-a", product.id, appendCapped(`https://x.test/new-${i}.jpg`))),
      ]);
      const stored = await products().find("company-a", product.id);
      const urls = stored?.images.map((entry) => entry.url) ?? [];
      expect(new Set(urls).size).toBe(urls.length);
      expect(urls.sort()).toEqual([...seed.slice(5).map((entry) => entry.url), ...Array.from({ length: 8 }, (_, i) => `https://x.test/new-${i}.jpg`)].sort());
      expect(stored?.version).toBe(1 + 5 + 8);
    });

    it("returns the state before and after a change, and changes nothing when the decision is null", async () => {
      const product = await products().create("company-a", { name: "before", sku: null, images: [] });
      const outcome = await products().change("company-a", product.id, (current) => ({
        change: { kind: "update", fields: { name: "after", sku: "S-9", images: [{ url: "https://x.test/1.png", imageId: "0".repeat(24) }] } },
        result: current.version,
      }));
      expect(outcome.result).toBe(1);
      expect(outcome.previous).toMatchObject({ name: "before", version: 1 });
      expect(outcome.product).toMatchObject({ name: "after", sku: "S-9", version: 2, images: [{ url: "https://x.test/1.png", imageId: "0".repeat(24) }] });
      expect(await products().find("company-a", product.id)).toEqual(outcome.product);
      const unchanged = await products().change("company-a", product.id, () => ({ change: null, result: "kept" }));
      expect(unchanged.product.version).toBe(2);
      expect((await products().find("company-a", product.id))?.version).toBe(2);
    });

    it("lets a refusal from the decision through and writes nothing", async () => {
      const product = await products().create("company-a", { name: "refuse", sku: null, images: [] });
      await expect(
        products().change("company-a", product.id, () => {
          throw new AppError("precondition_failed", "stale");
        }),
      ).rejects.toMatchObject({ code: "precondition_failed" });
      expect((await products().find("company-a", product.id))?.version).toBe(1);
    });

    it("walls tenants off and treats a deleted product as gone", async () => {
      const product = await products().create("company-a", { name: "mine", sku: "S-1", images: [] });
      expect(await products().find("company-b", product.id)).toBeNull();
      await expect(products().change("company-b", product.id, appendCapped("https://x.test/a.jpg"))).rejects.toMatchObject({ code: "product_not_found" });
      expect((await products().list("company-b", { limit: 100 })).products.map((p) => p.id)).not.toContain(product.id);
      const deleted = await products().change("company-a", product.id, () => ({ change: { kind: "delete" }, result: null }));
      expect(deleted.product.name).toBe("mine");
      expect(await products().find("company-a", product.id)).toBeNull();
      await expect(products().change("company-a", product.id, appendCapped("https://x.test/b.jpg"))).rejects.toMatchObject({ code: "product_not_found" });
      expect((await products().list("company-a", { limit: 1000 })).products.map((p) => p.id)).not.toContain(product.id);
    });

    it("answers ids of another shape, and unknown ids, with not found", async () => {
      for (const id of ["", "abc", "x".repeat(24), "0".repeat(200), newObjectId()]) {
        expect(await products().find("company-a", id)).toBeNull();
        await expect(products().change("company-a", id, appendCapped("https://x.test/c.jpg"))).rejects.toMatchObject({ code: "product_not_found" });
      }
    });

    it("pages through a company's live products with a cursor", async () => {
      const company = `company-page-${newObjectId()}`;
      const created: Product[] = [];
      for (let i = 0; i < 6; i++) created.push(await products().create(company, { name: `p${i}`, sku: null, images: [] }));
      await products().change(company, created[2]!.id, () => ({ change: { kind: "delete" }, result: null }));
      const first = await products().list(company, { limit: 3 });
      expect(first.products.map((p) => p.name)).toEqual(["p0", "p1", "p3"]);
      expect(first.nextCursor).not.toBeNull();
      const second = await products().list(company, { limit: 3, after: first.nextCursor ?? undefined });
      expect(second.products.map((p) => p.name)).toEqual(["p4", "p5"]);
      expect(second.nextCursor).toBeNull();
    });
  });
}
