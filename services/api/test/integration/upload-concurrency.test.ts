import { TEST_STORES } from "@ingest/provision/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { listStoredKeys, startTestApp, type TestApp } from "../support/test-app.ts";

// A promise-level suite: it runs on both stores.
describe.each(TEST_STORES)("the cap under concurrency, on the %s store", (store) => {
  let t: TestApp;
  let tenant: Tenant;
  let productId: string;

  beforeEach(async () => {
    t = await startTestApp(`upload concurrency ${store}`, {}, {}, store);
    tenant = await createTenant(t.repositories);
    productId = (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
  });
  afterEach(async () => {
    await t.close();
  });

  const keyOf = (url: string): string => url.slice(t.config.publicBaseUrl.length + 1);

    it("50 concurrent uploads to an empty product: exactly 20 × 201 and 30 × 422; product and storage hold exactly the 20", async () => {
      const png = await imageBytes("png");
      const replies = await Promise.all(Array.from({ length: 50 }, () => uploadImage(t.baseUrl, tenant.key, productId, png, { type: "image/png" })));
      const created = replies.filter((reply) => reply.status === 201);
      const refused = replies.filter((reply) => reply.status === 422);
      expect(replies.map((reply) => reply.status).sort()).toEqual([...Array(20).fill(201), ...Array(30).fill(422)]);
      for (const reply of refused) expect(reply.text).toBe(JSON.stringify({ error: "Product already has 20 images (max). Delete one first." }));

      const returned = created.map((reply) => reply.body.imageUrl as string);
      expect(new Set(returned).size).toBe(20);
      const product = (await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).body;
      expect([...product.imageUrls].sort()).toEqual([...returned].sort());
      expect(await listStoredKeys(t.storage)).toEqual(returned.map(keyOf).sort());

      // The ledger agrees: 20 images on their way to processing, every refused one closed.
      const records = await t.repositories.images.findForProduct(tenant.companyId, productId);
      const byStatus = (status: string) => records.filter((record) => record.status === status).map((record) => record.url).sort();
      expect(byStatus("processing")).toEqual([...returned].sort());
      expect(records.filter((record) => record.status !== "processing").every((record) => record.status === "deleted")).toBe(true);
      // Fifty uploads racing on two shared cores: allow them time (nothing here asserts on speed).
    }, 120_000);

    it("concurrent deletes and appends never lose or duplicate an entry", async () => {
      const png = await imageBytes("png");
      const initial = Array.from({ length: 8 }, (_, i) => `https://cdn.example.com/${i}.png`);
      await call(t.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { imageUrls: initial } });

      const uploads = Array.from({ length: 10 }, () => uploadImage(t.baseUrl, tenant.key, productId, png));
      const deletes = Array.from({ length: 6 }, () => call(t.baseUrl, "DELETE", `/api/v1/products/${productId}/images/0`, { token: tenant.key }));
      const [uploaded, deleted] = await Promise.all([Promise.all(uploads), Promise.all(deletes)]);

      expect(uploaded.every((reply) => reply.status === 201)).toBe(true);
      expect(deleted.every((reply) => reply.status === 200)).toBe(true);
      const uploadedUrls = uploaded.map((reply) => reply.body.imageUrl as string);
      const final: string[] = (await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).body.imageUrls;

      // Exactly one entry left per delete, none twice, nothing from nowhere.
      expect(final).toHaveLength(initial.length + uploadedUrls.length - deleted.length);
      expect(new Set(final).size).toBe(final.length);
      const known = new Set([...initial, ...uploadedUrls]);
      expect(final.every((url) => known.has(url))).toBe(true);
      // Uploads append at the end and deletes take index 0: the survivors keep their relative order.
      const order = [...initial, ...uploadedUrls];
      const positions = final.filter((url) => initial.includes(url)).map((url) => order.indexOf(url));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));

      // Managed images that a delete took are marked removed; the rest are processing.
      const records = await t.repositories.images.findForProduct(tenant.companyId, productId);
      for (const record of records) {
        expect(record.status).toBe(final.includes(record.url) ? "processing" : "removed");
      }
    }, 120_000);
});
