import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let tenant: Tenant;

beforeEach(async () => {
  t = await startTestApp("products");
  tenant = await createTenant(t.repositories);
});
afterEach(async () => {
  await t.close();
});

const create = (json: unknown) => call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json });
const get = (id: string) => call(t.baseUrl, "GET", `/api/v1/products/${id}`, { token: tenant.key });
const patch = (id: string, json: unknown, headers: Record<string, string> = {}) =>
  call(t.baseUrl, "PATCH", `/api/v1/products/${id}`, { token: tenant.key, json, headers });

describe("products", () => {
  it("create → 201 with Location and ETag; read → 200 with the same ETag", async () => {
    const created = await create({ name: "Battery", sku: "B-1", imageUrls: ["https://cdn.example.com/a.jpg"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Battery", sku: "B-1", imageUrls: ["https://cdn.example.com/a.jpg"], version: 1 });
    expect(created.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.headers.get("location")).toBe(`/api/v1/products/${created.body.id}`);
    expect(created.headers.get("etag")).toBe('"1"');
    const read = await get(created.body.id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get("etag")).toBe('"1"');
  });

  it.each([
    ["no name", {}, /name/],
    ["an empty name", { name: "" }, /name/],
    ["an unknown field", { name: "x", extra: 1 }, /additional/],
    ["an ftp URL", { name: "x", imageUrls: ["ftp://example.com/a.jpg"] }, /imageUrls\[0\] must be an absolute http\(s\) URL/],
    ["a relative URL", { name: "x", imageUrls: ["/relative.jpg"] }, /absolute/],
    ["a repeated URL", { name: "x", imageUrls: ["https://a.example/1.jpg", "https://a.example/1.jpg"] }, /repeat/],
    ["21 URLs", { name: "x", imageUrls: Array.from({ length: 21 }, (_, i) => `https://a.example/${i}.jpg`) }, /20/],
  ])("create refuses %s with 400 and a clear error", async (_label, body, message) => {
    const reply = await create(body);
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.body)).toEqual(["error"]);
    expect(reply.body.error).toMatch(message);
  });

  it("a malformed JSON body or a non-JSON body is a 400/415 with the error shape", async () => {
    const bad = await fetch(`${t.baseUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()) as object)).toEqual(["error"]);
    const xml = await fetch(`${t.baseUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/xml" },
      body: "<a/>",
    });
    expect(xml.status).toBe(415);
    expect(Object.keys((await xml.json()) as object)).toEqual(["error"]);
  });

  it("lists the company's products with a cursor, and only the company's", async () => {
    const other = await createTenant(t.repositories);
    await call(t.baseUrl, "POST", "/api/v1/products", { token: other.key, json: { name: "Not yours" } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ name: `P${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await call(t.baseUrl, "GET", `/api/v1/products${query}`, { token: tenant.key });
      expect(page.status).toBe(200);
      expect(page.body.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.products.map((product: { id: string }) => product.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await call(t.baseUrl, "GET", "/api/v1/products?cursor=zzz", { token: tenant.key })).status).toBe(400);
    expect((await call(t.baseUrl, "GET", "/api/v1/products?limit=0", { token: tenant.key })).status).toBe(400);
    expect((await call(t.baseUrl, "GET", "/api/v1/products?limit=101", { token: tenant.key })).status).toBe(400);
  });

  it("404 Product not found for unknown, malformed and other companies' ids, on every product route", async () => {
    const other = await createTenant(t.repositories);
    const theirs = (await call(t.baseUrl, "POST", "/api/v1/products", { token: other.key, json: { name: "Theirs" } })).body.id;
    for (const id of ["6650a1b2c3d4e5f6a7b8c9d0", "nope", "6650a1b2c3d4e5f6a7b8c9d0x", theirs]) {
      for (const [method, path, json] of [
        ["GET", `/api/v1/products/${id}`, undefined],
        ["PATCH", `/api/v1/products/${id}`, { name: "mine now" }],
        ["DELETE", `/api/v1/products/${id}`, undefined],
        ["GET", `/api/v1/products/${id}/images`, undefined],
        ["DELETE", `/api/v1/products/${id}/images/0`, undefined],
      ] as const) {
        const reply = await call(t.baseUrl, method, path, { token: tenant.key, json });
        expect([method, path, reply.status, reply.text]).toEqual([method, path, 404, JSON.stringify({ error: "Product not found" })]);
      }
    }
    expect((await call(t.baseUrl, "GET", `/api/v1/products/${theirs}`, { token: other.key })).body.name).toBe("Theirs");
  });
});

describe("PATCH /api/v1/products/{id}", () => {
  it("updates fields, bumps the version and the ETag", async () => {
    const { id } = (await create({ name: "Battery" })).body;
    const reply = await patch(id, { name: "Battery 2", sku: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: "Battery 2", sku: null, version: 2 });
    expect(reply.headers.get("etag")).toBe('"2"');
    expect((await patch(id, {})).status).toBe(400);
  });

  it("replacing imageUrls keeps uploaded images that stay, treats every other URL as external, and frees the dropped ones", async () => {
    const { id } = (await create({ name: "Battery" })).body;
    const png = await imageBytes("png");
    const first = (await uploadImage(t.baseUrl, tenant.key, id, png)).body;
    const second = (await uploadImage(t.baseUrl, tenant.key, id, png)).body;
    const external = "https://cdn.example.com/x.jpg";

    const reply = await patch(id, { imageUrls: [external, second.imageUrl] });
    expect(reply.status).toBe(200);
    expect(reply.body.imageUrls).toEqual([external, second.imageUrl]);
    expect((await t.repositories.images.find(first.imageId))?.status).toBe("removed");
    expect((await t.repositories.images.find(second.imageId))?.status).toBe("processing");
    expect(await t.queue.isLive("delete-image", { imageId: first.imageId })).toBe(true);

    // Naming the dropped image's URL again does not make it managed again: it is external now.
    await patch(id, { imageUrls: [first.imageUrl, second.imageUrl] });
    const status = (await call(t.baseUrl, "GET", `/api/v1/products/${id}/images`, { token: tenant.key })).body;
    expect(status.images.map((image: { status: string }) => image.status)).toEqual(["external", "processing"]);
  });

  it("naming another product's image URL never grants authority over it", async () => {
    const a = (await create({ name: "A" })).body.id;
    const b = (await create({ name: "B" })).body.id;
    const uploaded = (await uploadImage(t.baseUrl, tenant.key, a, await imageBytes("png"))).body;
    await patch(b, { imageUrls: [uploaded.imageUrl] });
    await patch(b, { imageUrls: [] });
    expect((await t.repositories.images.find(uploaded.imageId))?.status).toBe("processing");
    expect((await get(a)).body.imageUrls).toEqual([uploaded.imageUrl]);
  });

  it("If-Match: a stale ETag is 412 and changes nothing; the current one (or *) goes through", async () => {
    const { id } = (await create({ name: "Battery" })).body;
    await patch(id, { name: "v2" });
    const stale = await patch(id, { imageUrls: ["https://cdn.example.com/a.jpg"] }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({ error: "The product has changed since the given ETag; fetch it again." });
    expect((await get(id)).body.imageUrls).toEqual([]);
    expect((await patch(id, { imageUrls: ["https://cdn.example.com/a.jpg"] }, { "if-match": '"2"' })).status).toBe(200);
    expect((await patch(id, { name: "v4" }, { "if-match": "*" })).status).toBe(200);
    expect((await patch(id, { name: "v5" }, { "if-match": 'W/"4"' })).status).toBe(412);
  });
});

describe("DELETE /api/v1/products/{id}", () => {
  it("204, the product is gone, and its uploaded images are freed", async () => {
    const { id } = (await create({ name: "Battery" })).body;
    const uploaded = (await uploadImage(t.baseUrl, tenant.key, id, await imageBytes("png"))).body;
    const reply = await call(t.baseUrl, "DELETE", `/api/v1/products/${id}`, { token: tenant.key });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await get(id)).status).toBe(404);
    expect((await call(t.baseUrl, "GET", "/api/v1/products", { token: tenant.key })).body.products).toEqual([]);
    expect((await t.repositories.images.find(uploaded.imageId))?.status).toBe("removed");
    expect(await t.queue.isLive("delete-image", { imageId: uploaded.imageId })).toBe(true);
    expect((await call(t.baseUrl, "DELETE", `/api/v1/products/${id}`, { token: tenant.key })).status).toBe(404);
  });
});
