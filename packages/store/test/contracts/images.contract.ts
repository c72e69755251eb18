import { type ImageRepository, type NewImage, newObjectId, type Store } from "@ingest/shared";
import { describe, expect, it } from "vitest";

export function newImage(fields: Partial<NewImage> = {}): NewImage {
  const id = fields.id ?? newObjectId();
  const productId = fields.productId ?? newObjectId();
  const companyId = fields.companyId ?? "company-a";
  const key = `${companyId}/products/${productId}/images/${id}.png`;
  return { id, companyId, productId, key, url: `https://cdn.test/${key}`, format: "png", contentType: "image/png", bytes: 1234, sha256: "ab".repeat(32), ...fields };
}

const processed = {
  width: 640,
  height: 480,
  bytes: 1200,
  sha256: "cd".repeat(32),
  placeholder: "data:image/webp;base64,AAAA",
  dominantColor: "#112233",
  derivatives: [{ key: "k/320w.webp", width: 320, height: 240, format: "webp", bytes: 300, sha256: "ef".repeat(32) }],
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The image ledger port's contract; every adapter's test file runs it on a real backend. */
export function imageContract(store: () => Store): void {
  const images = (): ImageRepository => store().repositories.images;

  describe("images", () => {
    it("records a staged intent and finds it by id", async () => {
      const image = newImage();
      const staged = await images().insertStaged(image);
      expect(staged).toMatchObject({ ...image, status: "staged", rejectionReason: null, width: null, derivatives: [] });
      expect(await images().find(image.id)).toEqual(staged);
      expect(await images().find(newObjectId())).toBeNull();
    });

    it("refuses a second intent with the same id", async () => {
      const image = newImage();
      await images().insertStaged(image);
      await expect(images().insertStaged(image)).rejects.toThrow();
    });

    it("moves between statuses only from the ones named", async () => {
      const { id } = await images().insertStaged(newImage());
      expect(await images().transition(id, ["processing"], "ready")).toBe(false);
      expect(await images().markReady(id, processed)).toBe(false); // only from processing
      expect(await images().transition(id, ["staged"], "processing")).toBe(true);
      expect(await images().transition(id, ["staged"], "processing")).toBe(false);
      expect(await images().markReady(id, processed)).toBe(true);
      expect(await images().find(id)).toMatchObject({ status: "ready", ...processed });
      expect(await images().markRejected(id, "corrupt", "too late")).toBe(false); // ready is past rejection
      expect(await images().transition(id, ["ready"], "removed")).toBe(true);
      expect(await images().transition(newObjectId(), ["staged"], "processing")).toBe(false);
    });

    it("keeps a rejection's reason and a detail of at most 500 characters", async () => {
      const { id } = await images().insertStaged(newImage());
      expect(await images().markRejected(id, "not_an_image", "x".repeat(2000))).toBe(true);
      const rejected = await images().find(id);
      expect(rejected).toMatchObject({ status: "rejected", rejectionReason: "not_an_image", derivatives: [] });
      expect(rejected?.rejectionDetail).toHaveLength(500);
    });

    it("finds stale records of one status, oldest first, bounded", async () => {
      const productId = newObjectId();
      const first = await images().insertStaged(newImage({ productId }));
      await tick();
      const second = await images().insertStaged(newImage({ productId }));
      await tick();
      const other = await images().insertStaged(newImage({ productId }));
      await images().transition(other.id, ["staged"], "processing");
      await tick();
      const cutoff = new Date();
      const stale = (await images().findStale("staged", cutoff, 10_000)).map((image) => image.id);
      expect(stale.indexOf(first.id)).toBeGreaterThanOrEqual(0);
      expect(stale.indexOf(first.id)).toBeLessThan(stale.indexOf(second.id));
      expect(stale).not.toContain(other.id);
      expect(await images().findStale("staged", cutoff, 1)).toHaveLength(1);
      expect((await images().findStale("staged", first.createdAt, 10_000)).map((image) => image.id)).not.toContain(first.id);
    });

    it("walks records of some statuses in id order, a bounded batch at a time", async () => {
      const productId = newObjectId();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await images().insertStaged(newImage({ productId })));
      for (const image of made.slice(0, 3)) {
        await images().transition(image.id, ["staged"], "processing");
        await images().markReady(image.id, processed);
      }
      await images().transition(made[3]!.id, ["staged"], "removed");
      const walk = async (statuses: Parameters<ImageRepository["findAfter"]>[0]) => {
        const seen: string[] = [];
        for (let after: string | null = null; ; ) {
          const batch = await images().findAfter(statuses, after, 2);
          seen.push(...batch.map((image) => image.id));
          if (batch.length < 2) return seen;
          after = batch.at(-1)!.id;
        }
      };
      const ready = await walk(["ready"]);
      expect(ready).toEqual([...ready].sort());
      expect(ready).toEqual(expect.arrayContaining(made.slice(0, 3).map((image) => image.id)));
      const readyOrRemoved = await walk(["ready", "removed"]);
      expect(readyOrRemoved).toEqual([...readyOrRemoved].sort());
      expect(readyOrRemoved).toEqual(expect.arrayContaining(made.slice(0, 4).map((image) => image.id)));
      expect(readyOrRemoved).not.toContain(made[4]!.id);
    });

    it("lists a product's records for its own company only, oldest first", async () => {
      const productId = newObjectId();
      const mine = [await images().insertStaged(newImage({ productId })), await images().insertStaged(newImage({ productId }))];
      await images().insertStaged(newImage({ productId, companyId: "company-b" }));
      expect((await images().findForProduct("company-a", productId)).map((image) => image.id)).toEqual(mine.map((image) => image.id));
      expect(await images().findForProduct("company-c", productId)).toEqual([]);
    });

    it("lists what a status page needs: the named records and recent rejections", async () => {
      const productId = newObjectId();
      const listed = await images().insertStaged(newImage({ productId }));
      const unlisted = await images().insertStaged(newImage({ productId }));
      const rejected = await images().insertStaged(newImage({ productId }));
      await images().markRejected(rejected.id, "corrupt", "bad");
      const foreign = await images().insertStaged(newImage({ companyId: "company-b", productId }));
      const since = new Date(Date.now() - 60_000);
      const ids = (await images().findListed("company-a", productId, [listed.id, foreign.id], since)).map((image) => image.id);
      expect(ids.sort()).toEqual([listed.id, rejected.id].sort());
      expect(ids).not.toContain(unlisted.id);
      const later = (await images().findListed("company-a", productId, [listed.id], new Date(Date.now() + 60_000))).map((image) => image.id);
      expect(later).toEqual([listed.id]);
    });
  });
}
