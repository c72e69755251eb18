import { derivativeKey, publicUrl } from "@ingest/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let tenant: Tenant;
let productId: string;
const external = "https://cdn.example.com/a.jpg";

beforeEach(async () => {
  t = await startTestApp("image status");
  tenant = await createTenant(t.repositories);
  productId = (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery", imageUrls: [external] } })).body.id;
});
afterEach(async () => {
  await t.close();
});

const status = () => call(t.baseUrl, "GET", `/api/v1/products/${productId}/images`, { token: tenant.readKey });

describe("GET /api/v1/products/{id}/images", () => {
  it("lists each imageUrls entry in order: external, processing, then ready with what the worker recorded", async () => {
    const png = await imageBytes("png", 64, 48);
    const first = (await uploadImage(t.baseUrl, tenant.key, productId, png)).body;
    const second = (await uploadImage(t.baseUrl, tenant.key, productId, png)).body;

    // What the worker records when it is done (the same repository call it makes).
    const key = derivativeKey(tenant.companyId, productId, second.imageId, 320, "webp");
    await t.repositories.images.markReady(second.imageId, {
      width: 64,
      height: 48,
      bytes: png.length,
      sha256: "ab".repeat(32),
      placeholder: "YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw",
      dominantColor: "#c8283c",
      derivatives: [{ key, width: 64, height: 48, format: "webp", bytes: 120, sha256: "cd".repeat(32) }],
    });

    const reply = await status();
    expect(reply.status).toBe(200);
    expect(reply.headers.get("etag")).toBe('"3"');
    expect(reply.body).toEqual({
      productId,
      version: 3,
      images: [
        { index: 0, url: external, status: "external", imageId: null, format: null, width: null, height: null, placeholder: null, dominantColor: null, derivatives: [], rejectionReason: null },
        { index: 1, url: first.imageUrl, status: "processing", imageId: first.imageId, format: "png", width: null, height: null, placeholder: null, dominantColor: null, derivatives: [], rejectionReason: null },
        {
          index: 2,
          url: second.imageUrl,
          status: "ready",
          imageId: second.imageId,
          format: "png",
          width: 64,
          height: 48,
          placeholder: "YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw",
          dominantColor: "#c8283c",
          derivatives: [{ url: publicUrl(t.config.publicBaseUrl, key), width: 64, height: 48, format: "webp", bytes: 120 }],
          rejectionReason: null,
        },
      ],
      recentlyRejected: [],
    });
  });

  it("an image the worker rejected (and took out of imageUrls) stays listed with its reason", async () => {
    const uploaded = (await uploadImage(t.baseUrl, tenant.key, productId, await imageBytes("png"))).body;
    // The worker rejects it and removes its URL from the product by value.
    await t.repositories.images.markRejected(uploaded.imageId, "corrupt", "libvips: premature end of file");
    await t.repositories.products.change(tenant.companyId, productId, (current) => ({
      change: { kind: "update", fields: { ...current, images: current.images.filter((entry) => entry.imageId !== uploaded.imageId) } },
      result: null,
    }));

    const reply = await status();
    expect(reply.body.images.map((image: { url: string }) => image.url)).toEqual([external]);
    expect(reply.body.recentlyRejected).toEqual([{ imageId: uploaded.imageId, url: uploaded.imageUrl, reason: "corrupt", rejectedAt: expect.any(String) }]);
    // The internal detail stays internal.
    expect(reply.text).not.toContain("libvips");
  });
});
