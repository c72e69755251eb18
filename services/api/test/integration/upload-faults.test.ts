import type { Repositories, Storage } from "@ingest/shared";
import { TEST_STORES, type TestStore } from "@ingest/provision/testing";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant } from "../support/tenants.ts";
import { type Faults, listStoredKeys, startTestApp, type TestApp } from "../support/test-app.ts";

/**
 * Faults a real server cannot produce on demand, injected around the real adapters: everything
 * else (the database, the bucket, the queue) is real.
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function networkError(): Error {
  return Object.assign(new Error("connection reset by peer"), { name: "MongoNetworkError" });
}

async function setUp(faults: Faults, store: TestStore) {
  const app = await startTestApp(`upload faults ${store}`, {}, faults, store);
  t = app;
  const tenant = await createTenant(app.repositories);
  const productId: string = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
  const upload = async () => uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
  const imageUrls = async (): Promise<string[]> => (await call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).body.imageUrls;
  const records = () => app.repositories.images.findForProduct(tenant.companyId, productId);
  return { app, upload, imageUrls, records };
}

// Crash points are a promise-level suite: they run on both stores.
describe.each(TEST_STORES)("failures after staging, on the %s store", (store) => {
  it("a storage write that fails half-way: 500 without internals, the object is deleted and the record closed", async () => {
    const { app, upload, imageUrls, records } = await setUp({
      storage: (real: Storage): Storage => ({
        ...real,
        name: real.name,
        async put(key, body, options) {
          await real.put(key, body, options);
          throw new Error("socket hang up talking to s3.internal:9000");
        },
      }),
    }, store);
    const reply = await upload();
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error: "Internal server error" });
    expect(await imageUrls()).toEqual([]);
    expect(await listStoredKeys(app.storage)).toEqual([]);
    expect((await records()).map((record) => record.status)).toEqual(["deleted"]);
  });

  it("the database fails mid-append but the append happened (a lost acknowledgement): the upload is a 201", async () => {
    const { app, upload, imageUrls, records } = await setUp({
      repositories: (real: Repositories): Repositories => ({
        ...real,
        products: {
          ...real.products,
          async change(companyId, productId, decide) {
            await real.products.change(companyId, productId, decide);
            throw networkError();
          },
        },
      }),
    }, store);
    const reply = await upload();
    expect(reply.status).toBe(201);
    expect(await imageUrls()).toEqual([reply.body.imageUrl]);
    expect((await fetch(reply.body.imageUrl)).status).toBe(200);
    expect((await records()).map((record) => record.status)).toEqual(["processing"]);
    expect(await listStoredKeys(app.storage)).toHaveLength(1);
  });

  it("the database fails before the append: 503, the object is deleted and the record closed", async () => {
    const { app, upload, imageUrls, records } = await setUp({
      repositories: (real: Repositories): Repositories => ({
        ...real,
        products: {
          ...real.products,
          async change() {
            throw networkError();
          },
        },
      }),
    }, store);
    const reply = await upload();
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({ error: "Service temporarily unavailable; retry shortly." });
    expect(reply.headers.get("retry-after")).toBe("5");
    expect(await imageUrls()).toEqual([]);
    expect(await listStoredKeys(app.storage)).toEqual([]);
    expect((await records()).map((record) => record.status)).toEqual(["deleted"]);
  });

  it("when it cannot even tell whether the append happened, it leaves the staged image to reconciliation", async () => {
    let failing = false;
    const { app, upload, records } = await setUp({
      repositories: (real: Repositories): Repositories => ({
        ...real,
        products: {
          ...real.products,
          async find(companyId, productId) {
            if (failing) throw networkError();
            return real.products.find(companyId, productId);
          },
          async change(companyId, productId, decide) {
            failing = true;
            await real.products.change(companyId, productId, decide);
            throw networkError();
          },
        },
      }),
    }, store);
    const reply = await upload();
    expect(reply.status).toBe(503);
    // The product holds the image after all: its bytes stay, and the ledger still says staged,
    // which reconciliation settles from the product's state.
    expect(await listStoredKeys(app.storage)).toHaveLength(1);
    expect((await records()).map((record) => record.status)).toEqual(["staged"]);
  });
});
