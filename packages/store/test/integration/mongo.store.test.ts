import { testServices } from "@ingest/provision/testing";
import { AppError, MAX_IMAGES_PER_PRODUCT, type Product, type Store } from "@ingest/shared";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMongo } from "../../src/mongo/mongo-client.ts";
import { credentialContract } from "../contracts/credentials.contract.ts";
import { idempotencyContract } from "../contracts/idempotency.contract.ts";
import { webhookContract } from "../contracts/webhooks.contract.ts";
import { imageContract } from "../contracts/images.contract.ts";
import { productContract } from "../contracts/products.contract.ts";
import { openTestStore, type TestStoreHandle } from "../support/test-store.ts";

let handle: TestStoreHandle;
beforeAll(async () => {
  handle = await openTestStore("mongodb", "mongo-contract");
});
afterAll(() => handle?.close());
const store = (): Store => handle.store;

describe("the MongoDB store (on the run's MongoDB-protocol server)", () => {
  productContract(store);
  imageContract(store);
  credentialContract(store);
  idempotencyContract(store);
  webhookContract(store);

  it("keeps every old version number taken, so a writer that read long ago can never win with it", async () => {
    const products = store().repositories.products;
    const product = await products.create("company-a", { name: "history", sku: null, images: [] });
    const append = (url: string) => (current: Product) => {
      if (current.images.length >= MAX_IMAGES_PER_PRODUCT) throw new AppError("image_cap_reached", "cap");
      return { change: { kind: "update" as const, fields: { ...current, images: [...current.images, { url }] } }, result: null };
    };
    for (let i = 0; i < 15; i++) await products.change("company-a", product.id, append(`https://x.test/h-${i}.jpg`));
    const connection = await connectMongo(testServices().mongoUrl, handle.names.database);
    try {
      const revisions = connection.db.collection("product_revisions");
      const old = await revisions.findOne({ productId: new ObjectId(product.id), version: 2 });
      expect(old?.pruned).toBe(true);
      await expect(revisions.insertOne({ ...old, _id: new ObjectId(), pruned: undefined })).rejects.toMatchObject({ code: 11000 });
    } finally {
      await connection.close();
    }
    expect((await products.find("company-a", product.id))?.images).toHaveLength(15);
  });
});
