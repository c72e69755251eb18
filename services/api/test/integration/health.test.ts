import { setTimeout as sleep } from "node:timers/promises";
import { type DedicatedRedis, startRedisServer } from "@ingest/provision";
import { derivativeKey, publicUrl } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp | undefined;
let redis: DedicatedRedis | undefined;
afterEach(async () => {
  await t?.close();
  await redis?.close();
  t = undefined;
  redis = undefined;
});

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let attempt = 0; attempt < 300; attempt++) {
    last = await probe();
    if (accept(last)) return last;
    await sleep(50);
  }
  throw new Error(`condition never held; last value: ${JSON.stringify(last)}`);
}

describe("health", () => {
  it("/healthz answers 200; /readyz lists the three dependencies", async () => {
    t = await startTestApp("health");
    expect((await call(t.baseUrl, "GET", "/healthz")).body).toEqual({ status: "ok" });
    const ready = await call(t.baseUrl, "GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ok", dependencies: { database: "ok", redis: "ok", storage: "ok" } });
  });

  it("/readyz is 503 naming redis while its Redis is stopped, and recovers by itself; uploads still commit meanwhile", async () => {
    redis = await startRedisServer();
    t = await startTestApp("readiness", { REDIS_URL: redis.url });
    const app = t;
    const tenant = await createTenant(app.repositories);
    const productId = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;

    await redis.server.stop();
    const down = await eventually(() => call(app.baseUrl, "GET", "/readyz"), (reply) => reply.status === 503);
    expect(down.body).toEqual({ error: "Not ready: redis not answering" });

    // Redis away: the upload still commits (promise 1); the ledger holds it as processing so
    // reconciliation can enqueue it later (promise 4).
    const upload = await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
    expect(upload.status).toBe(201);
    expect((await fetch(upload.body.imageUrl)).status).toBe(200);
    expect((await app.repositories.images.find(upload.body.imageId))?.status).toBe("processing");
    expect((await call(app.baseUrl, "DELETE", `/api/v1/products/${productId}/images/0`, { token: tenant.key })).status).toBe(200);
    expect((await app.repositories.images.find(upload.body.imageId))?.status).toBe("removed");

    await redis.server.start();
    const up = await eventually(() => call(app.baseUrl, "GET", "/readyz"), (reply) => reply.status === 200);
    expect(up.body.dependencies).toEqual({ database: "ok", redis: "ok", storage: "ok" });
    const again = await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
    expect(again.status).toBe(201);
    expect(await app.queue.isLive("process-image", { imageId: again.body.imageId })).toBe(true);
  });
});

describe("GET /files/*", () => {
  it("originals are cacheable for good only once processed; derivatives always", async () => {
    t = await startTestApp("files cache");
    const app = t;
    const tenant = await createTenant(app.repositories);
    const productId = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
    const uploaded = (await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("webp"))).body;
    const cacheOf = async (url: string) => {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      return response.headers.get("cache-control");
    };
    expect(await cacheOf(uploaded.imageUrl)).toBe("public, no-cache");

    const key = derivativeKey(tenant.companyId, productId, uploaded.imageId, 320, "webp");
    await app.storage.put(key, await imageBytes("webp"), { contentType: "image/webp" });
    await app.repositories.images.markReady(uploaded.imageId, {
      width: 32,
      height: 24,
      bytes: 100,
      sha256: "ab".repeat(32),
      placeholder: "x",
      dominantColor: "#000000",
      derivatives: [{ key, width: 32, height: 24, format: "webp", bytes: 100, sha256: "cd".repeat(32) }],
    });
    expect(await cacheOf(uploaded.imageUrl)).toBe("public, max-age=31536000, immutable");
    expect(await cacheOf(publicUrl(app.config.publicBaseUrl, key))).toBe("public, max-age=31536000, immutable");
    const derivative = await fetch(publicUrl(app.config.publicBaseUrl, key));
    expect(derivative.headers.get("content-type")).toBe("image/webp");
  });

  it("404 with the error shape for unknown and unsafe keys", async () => {
    t = await startTestApp("files");
    for (const path of ["/files/nope/x.png", "/files/a/../../etc/passwd", "/files/%2e%2e/x.jpg", "/files/a/b.html", "/files/", "/files/a//b.png"]) {
      const reply = await call(t.baseUrl, "GET", path);
      expect([path, reply.status, Object.keys(reply.body ?? {})]).toEqual([path, 404, ["error"]]);
    }
  });
});

describe("OpenAPI", () => {
  it("/docs/json documents every API route, with bearer auth", async () => {
    t = await startTestApp("openapi");
    const doc = (await call(t.baseUrl, "GET", "/docs/json")).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/products", "/api/v1/products/{id}", "/api/v1/products/{id}/images", "/api/v1/products/{id}/images/{index}"]),
    );
    const upload = doc.paths["/api/v1/products/{id}/images"].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(["multipart/form-data"]);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(["201", "400", "413", "415", "422"]));
    expect(upload.security).toEqual([{ bearerAuth: [] }]);
    expect((await fetch(`${t.baseUrl}/docs`)).status).toBe(200);
  });
});
