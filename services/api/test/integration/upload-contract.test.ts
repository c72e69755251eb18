import { MAX_IMAGES_PER_PRODUCT } from "@ingest/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, multipartBody, postForm, uploadImage } from "../support/http.ts";
import { imageBytes, NOT_IMAGES, padTo } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { listStoredKeys, startTestApp, type TestApp } from "../support/test-app.ts";

const NO_FILE = { error: "No file provided. Send as multipart/form-data with field name 'file'." };
const TOO_LARGE = { error: "Image must be under 5MB" };
const UNSUPPORTED = { error: "Unsupported MIME type — accepts image/png, image/jpeg, image/webp" };
const CAP = { error: "Product already has 20 images (max). Delete one first." };
const LIMIT = 5_242_880;

let t: TestApp;
let tenant: Tenant;
let productId: string;
const path = () => `/api/v1/products/${productId}/images`;

beforeEach(async () => {
  t = await startTestApp("upload contract");
  tenant = await createTenant(t.repositories);
  const created = await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } });
  productId = created.body.id;
});
afterEach(async () => {
  await t.close();
});

/** Promise 3: a refused upload appends nothing and leaves no object behind. */
async function expectNoTrace(): Promise<void> {
  const product = await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key });
  expect(product.body.imageUrls).toEqual([]);
  expect(await listStoredKeys(t.storage)).toEqual([]);
}

describe("POST /api/v1/products/{id}/images — the published contract", () => {
  it("201: stores the bytes, appends the URL, and the bytes are readable at that URL at once", async () => {
    const jpeg = await imageBytes("jpeg");
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, jpeg, { filename: "battery-hero.jpg", type: "image/jpeg" });
    expect(reply.status).toBe(201);
    const { imageUrl, imageUrls, imageId, status } = reply.body;
    expect(status).toBe("processing");
    expect(imageId).toMatch(/^[0-9a-f]{24}$/);
    expect(imageUrl).toBe(`${t.config.publicBaseUrl}/${tenant.companyId}/products/${productId}/images/${imageId}.jpg`);
    expect(imageUrls).toEqual([imageUrl]);

    const served = await fetch(imageUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    // Until the worker has rewritten it without metadata, caches must not keep the original.
    expect(served.headers.get("cache-control")).toBe("public, no-cache");
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);

    // The stored object carries the sniffed type too, for a CDN or bucket website serving it directly.
    const stored = await t.storage.get(`${tenant.companyId}/products/${productId}/images/${imageId}.jpg`);
    stored?.body.destroy();
    expect(stored?.contentType).toBe("image/jpeg");

    const image = await t.repositories.images.find(imageId);
    expect(image).toMatchObject({ status: "processing", format: "jpeg", bytes: jpeg.length, productId, companyId: tenant.companyId });
  });

  it("keeps external URLs in front of the new one", async () => {
    await call(t.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { imageUrls: ["https://cdn.example.com/a.jpg"] } });
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("png"));
    expect(reply.status).toBe(201);
    expect(reply.body.imageUrls).toEqual(["https://cdn.example.com/a.jpg", reply.body.imageUrl]);
    expect(reply.body.imageUrl).toMatch(/\.png$/);
  });

  it("413 past 5 MiB, exactly as published; 5,242,880 bytes are accepted", async () => {
    const png = await imageBytes("png");
    const atLimit = await uploadImage(t.baseUrl, tenant.key, productId, padTo(png, LIMIT), { type: "image/png" });
    expect(atLimit.status).toBe(201);
    const over = await uploadImage(t.baseUrl, tenant.key, productId, padTo(png, LIMIT + 1), { type: "image/png" });
    expect(over.status).toBe(413);
    expect(over.text).toBe(JSON.stringify(TOO_LARGE));
    const keys = await listStoredKeys(t.storage);
    expect(keys).toEqual([atLimit.body.imageUrl.slice(t.config.publicBaseUrl.length + 1)]);
  });

  it("400 for an empty file", async () => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, Buffer.alloc(0), { type: "image/png" });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: "The file is empty." });
    await expectNoTrace();
  });

  it.each([
    ["HTML", NOT_IMAGES.html],
    ["SVG", NOT_IMAGES.svg],
    ["PDF", NOT_IMAGES.pdf],
  ])("415 for %s bytes declared image/png", async (_name, bytes) => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, bytes, { filename: "x.png", type: "image/png" });
    expect(reply.status).toBe(415);
    expect(reply.text).toBe(JSON.stringify(UNSUPPORTED));
    await expectNoTrace();
  });

  it("415 for GIF bytes declared image/png (a real image, but not one we accept)", async () => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("gif"), { type: "image/png" });
    expect(reply.status).toBe(415);
    expect(reply.body).toEqual(UNSUPPORTED);
    await expectNoTrace();
  });

  it("415 for a real PNG declared as something that is not an image type", async () => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("png"), { type: "image/gif" });
    expect(reply.status).toBe(415);
    expect(reply.body).toEqual(UNSUPPORTED);
    await expectNoTrace();
  });

  it("the bytes decide: PNG declared as JPEG is stored as .png with image/png", async () => {
    const png = await imageBytes("png");
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, png, { filename: "lie.jpg", type: "image/jpeg" });
    expect(reply.status).toBe(201);
    expect(reply.body.imageUrl).toMatch(/\.png$/);
    const served = await fetch(reply.body.imageUrl);
    expect(served.headers.get("content-type")).toBe("image/png");
  });

  it.each([
    ["application/octet-stream", "application/octet-stream"],
    ["no Content-Type on the part", undefined],
  ])("a generic declared type (%s) with real JPEG bytes is accepted as .jpg", async (_name, type) => {
    const reply = await postForm(t.baseUrl, path(), tenant.key, [{ name: "file", filename: "x", data: await imageBytes("jpeg"), type }]);
    expect(reply.status).toBe(201);
    expect(reply.body.imageUrl).toMatch(/\.jpg$/);
  });

  it.each([
    ["image/apng", "png"],
    ["image/x-png", "png"],
    ["image/jpg", "jpeg"],
    ["image/pjpeg", "jpeg"],
  ] as const)("a declared %s that names a format we take passes on to sniffing (%s bytes)", async (type, format) => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes(format), { type });
    expect(reply.status).toBe(201);
    expect(reply.body.imageUrl).toMatch(format === "png" ? /\.png$/ : /\.jpg$/);
  });

  it("accepts WebP", async () => {
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("webp"), { type: "image/webp" });
    expect(reply.status).toBe(201);
    expect(reply.body.imageUrl).toMatch(/\.webp$/);
  });

  it("422 when the product already has 20 images, exactly as published, before the body is read", async () => {
    const imageUrls = Array.from({ length: MAX_IMAGES_PER_PRODUCT }, (_, i) => `https://cdn.example.com/${i}.jpg`);
    await call(t.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { imageUrls } });
    const reply = await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("jpeg"), { type: "image/jpeg" });
    expect(reply.status).toBe(422);
    expect(reply.text).toBe(JSON.stringify(CAP));
    const product = await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key });
    expect(product.body.imageUrls).toEqual(imageUrls);
    expect(await listStoredKeys(t.storage)).toEqual([]);
  });

  it("404 Product not found for unknown, malformed and other companies' products", async () => {
    const other = await createTenant(t.repositories);
    const jpeg = await imageBytes("jpeg");
    for (const [token, id] of [
      [tenant.key, "6650a1b2c3d4e5f6a7b8c9d0"],
      [tenant.key, "not-an-id"],
      [other.key, productId],
    ] as const) {
      const reply = await uploadImage(t.baseUrl, token, id, jpeg, { type: "image/jpeg" });
      expect(reply.status).toBe(404);
      expect(reply.text).toBe(JSON.stringify({ error: "Product not found" }));
    }
    await expectNoTrace();
  });
});

describe("POST /api/v1/products/{id}/images — malformed forms (our 400s)", () => {
  it("not multipart → 400 no file", async () => {
    for (const init of [
      { headers: { "content-type": "application/json" }, body: JSON.stringify({ file: "x" }) },
      { headers: { "content-type": "image/png" }, body: new Uint8Array(await imageBytes("png")) },
      { headers: {}, body: undefined },
    ]) {
      const response = await fetch(`${t.baseUrl}${path()}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, ...init.headers },
        body: init.body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(NO_FILE);
    }
    await expectNoTrace();
  });

  it("no file part, a text `file` field, or a file in another field → 400 no file", async () => {
    const jpeg = await imageBytes("jpeg");
    for (const parts of [
      [{ name: "caption", data: "hello" }],
      [{ name: "file", data: "just text" }],
      [{ name: "image", data: jpeg, filename: "a.jpg", type: "image/jpeg" }],
    ]) {
      const reply = await postForm(t.baseUrl, path(), tenant.key, parts);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual(NO_FILE);
    }
    await expectNoTrace();
  });

  it("an empty form (no parts at all) → 400 no file", async () => {
    const reply = await postForm(t.baseUrl, path(), tenant.key, []);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual(NO_FILE);
  });

  it("a second file → 400, nothing stored", async () => {
    const jpeg = await imageBytes("jpeg");
    for (const second of ["file", "other"]) {
      const reply = await postForm(t.baseUrl, path(), tenant.key, [
        { name: "file", data: jpeg, filename: "a.jpg", type: "image/jpeg" },
        { name: second, data: jpeg, filename: "b.jpg", type: "image/jpeg" },
      ]);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ error: "Send exactly one file per request, in the form field 'file'." });
    }
    await expectNoTrace();
  });

  it("extra text fields beside the file are ignored", async () => {
    const reply = await postForm(t.baseUrl, path(), tenant.key, [
      { name: "caption", data: "front view" },
      { name: "file", data: await imageBytes("jpeg"), filename: "a.jpg", type: "image/jpeg" },
      { name: "alt", data: "a battery" },
    ]);
    expect(reply.status).toBe(201);
  });

  it("a body cut off mid-file → 400, nothing stored", async () => {
    const { body, contentType } = multipartBody([
      { name: "file", data: await imageBytes("jpeg"), filename: "a.jpg", type: "image/jpeg" },
    ]);
    const response = await fetch(`${t.baseUrl}${path()}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": contentType },
      body: new Uint8Array(body.subarray(0, body.length - 60)),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Malformed multipart/form-data body." });
    await expectNoTrace();
  });

  it("a body cut off after a complete file part, or inside a later field, or no form at all → 400, nothing stored", async () => {
    const file = { name: "file", data: await imageBytes("jpeg"), filename: "a.jpg", type: "image/jpeg" };
    const single = multipartBody([file]);
    const pair = multipartBody([file, { name: "caption", data: "front view" }]);
    for (const [contentType, cut] of [
      // The file's part is complete; the closing delimiter's final "--" never comes.
      [single.contentType, single.body.subarray(0, single.body.length - 4)],
      // A text field after the file breaks off mid-value.
      [pair.contentType, pair.body.subarray(0, pair.body.indexOf("front view") + 5)],
      [single.contentType, Buffer.from("hello world")],
    ] as const) {
      const response = await fetch(`${t.baseUrl}${path()}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, "content-type": contentType },
        body: new Uint8Array(cut),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "Malformed multipart/form-data body." });
    }
    await expectNoTrace();
  });

  it("a multipart content type without a boundary → 400", async () => {
    const response = await fetch(`${t.baseUrl}${path()}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "multipart/form-data" },
      body: "whatever",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toBeTypeOf("string");
  });
});
