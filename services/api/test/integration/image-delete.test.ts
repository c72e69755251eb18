import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let tenant: Tenant;
let productId: string;
const external = ["https://cdn.example.com/0.jpg", "https://cdn.example.com/1.jpg"];

beforeEach(async () => {
  t = await startTestApp("image delete");
  tenant = await createTenant(t.repositories);
  productId = (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery", imageUrls: external } })).body.id;
});
afterEach(async () => {
  await t.close();
});

const remove = (index: string, headers: Record<string, string> = {}) =>
  call(t.baseUrl, "DELETE", `/api/v1/products/${productId}/images/${index}`, { token: tenant.key, headers });

describe("DELETE /api/v1/products/{id}/images/{index}", () => {
  it("removes an external URL by zero-based index: 200 with the new imageUrls and ETag", async () => {
    const reply = await remove("0");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ imageUrls: [external[1]], version: 2 });
    expect(reply.headers.get("etag")).toBe('"2"');
  });

  it("removing an uploaded image marks it removed and schedules the deletion of its objects", async () => {
    const uploaded = (await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("jpeg"))).body;
    const reply = await remove("2");
    expect(reply.status).toBe(200);
    expect(reply.body.imageUrls).toEqual(external);
    expect((await t.repositories.images.find(uploaded.imageId))?.status).toBe("removed");
    expect(await t.queue.isLive("delete-image", { imageId: uploaded.imageId })).toBe(true);
  });

  it.each(["-1", "1.5", "abc", "01", "1e2", "%20"])("index %s is not a non-negative integer → 400", async (index) => {
    const reply = await remove(index);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: "Image index must be a non-negative integer" });
  });

  it("out of range → 404, nothing changes", async () => {
    const reply = await remove("2");
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: "No image at index 2" });
    expect((await remove("99999999")).status).toBe(404);
    const product = await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key });
    expect(product.body).toMatchObject({ imageUrls: external, version: 1 });
  });

  it("If-Match: 412 when the product changed since the caller read it (the index may point elsewhere now)", async () => {
    await call(t.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { name: "renamed" } });
    const stale = await remove("0", { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({ error: "The product has changed since the given ETag; fetch it again." });
    const current = await remove("0", { "if-match": '"2"' });
    expect(current.status).toBe(200);
    expect(current.body.imageUrls).toEqual([external[1]]);
  });
});
