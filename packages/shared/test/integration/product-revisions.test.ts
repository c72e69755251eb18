import { parseConfig } from "@ingest/shared";
import { cleanUpTestData, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors/app-error.ts";
import { connectMongo, type MongoConnection } from "../../src/mongo/mongo-client.ts";
import { createProductRepository, type ProductRepository } from "../../src/products/product.repository.ts";
import { MAX_IMAGES_PER_PRODUCT, type Product } from "../../src/products/product.types.ts";

const names = uniqueTestNames("product-revisions");
let mongo: MongoConnection;
let products: ProductRepository;

beforeAll(async () => {
  const config = parseConfig(testServiceEnv(testServices(), names));
  mongo = await connectMongo(config.mongo.url, config.mongo.dbName);
  products = createProductRepository(mongo.db);
  await products.ensureIndexes();
});

afterAll(async () => {
  await mongo?.close();
  await cleanUpTestData(testServices(), names);
});

function appendCapped(url: string) {
  return (current: Product) => {
    if (current.images.length >= MAX_IMAGES_PER_PRODUCT) throw new AppError("image_cap_reached", "cap");
    return { change: { kind: "update" as const, fields: { ...current, images: [...current.images, { url }] } }, result: url };
  };
}

describe("product revisions on a real MongoDB-protocol server", () => {
  it("keeps the cap under 50 concurrent appends: exactly 20 win, the rest are refused (three rounds)", async () => {
    for (let round = 0; round < 3; round++) {
      const product = await products.create("company-a", { name: `cap-${round}`, sku: null, images: [] });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => products.change("company-a", product.id, appendCapped(`https://x.test/${round}-${i}.jpg`))),
      );
      const won = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.result] : []));
      const refused = outcomes.filter((o) => o.status === "rejected" && (o.reason as AppError).code === "image_cap_reached");
      expect(won).toHaveLength(20);
      expect(refused).toHaveLength(30);
      const stored = await products.find("company-a", product.id);
      expect(stored?.images.map((e) => e.url).sort()).toEqual([...won].sort());
      expect(stored?.version).toBe(21);
    }
  });

  it("never loses or duplicates an entry when deletes and appends race", async () => {
    const seed = Array.from({ length: 10 }, (_, i) => ({ url: `https://x.test/seed-${i}.jpg` }));
    const product = await products.create("company-a", { name: "race", sku: null, images: seed });
    const removeByValue = (url: string) => (current: Product) => ({
      change: { kind: "update" as const, fields: { ...current, images: current.images.filter((e) => e.url !== url) } },
      result: url,
    });
    await Promise.all([
      ...seed.slice(0, 5).map((entry) => products.change("company-a", product.id, removeByValue(entry.url))),
      ...Array.from({ length: 8 }, (_, i) => products.change("company-a", product.id, appendCapped(`https://x.test/new-${i}.jpg`))),
    ]);
    const urls = (await products.find("company-a", product.id))?.images.map((e) => e.url) ?? [];
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls.sort()).toEqual(
      [...seed.slice(5).map((e) => e.url), ...Array.from({ length: 8 }, (_, i) => `https://x.test/new-${i}.jpg`)].sort(),
    );
  });

  it("keeps every old version number taken, so a writer that read long ago can never win with it", async () => {
    const product = await products.create("company-a", { name: "history", sku: null, images: [] });
    for (let i = 0; i < 15; i++) await products.change("company-a", product.id, appendCapped(`https://x.test/h-${i}.jpg`));
    const revisions = mongo.db.collection("product_revisions");
    const old = await revisions.findOne({ productId: new ObjectId(product.id), version: 2 });
    expect(old?.pruned).toBe(true);
    await expect(revisions.insertOne({ ...old, _id: new ObjectId(), pruned: undefined })).rejects.toMatchObject({ code: 11000 });
    expect((await products.find("company-a", product.id))?.images).toHaveLength(15);
  });

  it("walls tenants off and treats a deleted product as gone", async () => {
    const product = await products.create("company-a", { name: "mine", sku: "S-1", images: [] });
    expect(await products.find("company-b", product.id)).toBeNull();
    await expect(products.change("company-b", product.id, appendCapped("https://x.test/a.jpg"))).rejects.toMatchObject({
      code: "product_not_found",
    });
    await products.change("company-a", product.id, () => ({ change: { kind: "delete" }, result: null }));
    expect(await products.find("company-a", product.id)).toBeNull();
    const page = await products.list("company-a", { limit: 100 });
    expect(page.products.map((p) => p.id)).not.toContain(product.id);
  });

  it("pages through a company's products with a cursor", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await products.create("company-page", { name: `p${i}`, sku: null, images: [] }));
    const first = await products.list("company-page", { limit: 3 });
    expect(first.products.map((p) => p.name)).toEqual(["p0", "p1", "p2"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await products.list("company-page", { limit: 3, after: first.nextCursor ?? undefined });
    expect(second.products.map((p) => p.name)).toEqual(["p3", "p4"]);
    expect(second.nextCursor).toBeNull();
  });
});
