import { type DedicatedMinio, type DedicatedMongo, type DedicatedRedis, startMinioServer, startMongoServer, startRedisServer } from "@ingest/provision";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/**
 * Real servers frozen with SIGSTOP: they keep their sockets open and answer nothing, which is
 * what a hung dependency looks like from here. Each freeze is bounded and always thawed in a
 * finally. A client that waited longer than CLIENT_PATIENCE_MS fails the test: the API must
 * have answered long before (DEPENDENCY_TIMEOUT_MS is 1.5 s here).
 */
const CLIENT_PATIENCE_MS = 20_000;
const UNAVAILABLE = { error: "Service temporarily unavailable; retry shortly." };

let t: TestApp | undefined;
let minio: DedicatedMinio | undefined;
let redis: DedicatedRedis | undefined;
let mongo: DedicatedMongo | undefined;
afterEach(async () => {
  minio?.server.resume();
  redis?.server.resume?.();
  mongo?.server.resume();
  await t?.close();
  await minio?.close();
  await redis?.close();
  await mongo?.close();
  t = minio = redis = mongo = undefined;
});

function patient<T>(request: Promise<T>): Promise<T> {
  return Promise.race([
    request,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CLIENT_PATIENCE_MS} ms`)), CLIENT_PATIENCE_MS).unref()),
  ]);
}

async function setUp(env: Record<string, string>) {
  const app = await startTestApp("hung dependency", { DEPENDENCY_TIMEOUT_MS: "1500", API_MAX_CONCURRENT_UPLOADS: "1", ...env });
  t = app;
  const tenant = await createTenant(app.repositories);
  const productId: string = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
  const upload = async () => uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
  return { app, tenant, productId, upload };
}

describe("a hung dependency becomes a prompt 503 with Retry-After, and frees the slot", () => {
  it("S3 frozen: uploads and GET /files/ answer 503 within the dependency timeout; afterwards all is well", async () => {
    minio = await startMinioServer();
    const { s3 } = minio;
    const { app, upload, productId, tenant } = await setUp({
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });
    const before = await upload();
    expect(before.status).toBe(201);

    minio.server.pause();
    try {
      // One slot (API_MAX_CONCURRENT_UPLOADS=1): the second upload gets the same answer, not
      // "too many uploads", so the first gave its slot back.
      for (let attempt = 0; attempt < 2; attempt++) {
        const during = await patient(upload());
        expect(during.status).toBe(503);
        expect(during.body).toEqual(UNAVAILABLE);
        expect(during.headers.get("retry-after")).toBe("5");
      }
      const file = await patient(fetch(before.body.imageUrl));
      expect(file.status).toBe(503);
      expect(await file.json()).toEqual(UNAVAILABLE);
      expect(file.headers.get("retry-after")).toBe("5");
    } finally {
      minio.server.resume();
    }

    // Nothing of the refused uploads is referenced; their records wait for reconciliation.
    const product = await call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key });
    expect(product.body.imageUrls).toEqual([before.body.imageUrl]);
    const statuses = (await app.repositories.images.findForProduct(tenant.companyId, productId)).map((image) => image.status).sort();
    expect(statuses).toEqual(["processing", "removed", "removed"]);
    expect((await fetch(before.body.imageUrl)).status).toBe(200);
    expect((await upload()).status).toBe(201);
  });

  it("Redis frozen: an upload still commits (201) without waiting on it, and readiness says so", async () => {
    redis = await startRedisServer();
    const { app, upload } = await setUp({ REDIS_URL: redis.url });
    expect((await upload()).status).toBe(201);
    redis.server.pause?.();
    try {
      const during = await patient(upload());
      expect(during.status).toBe(201);
      expect((await patient(fetch(during.body.imageUrl))).status).toBe(200);
      expect((await app.repositories.images.find(during.body.imageId))?.status).toBe("processing");
      const ready = await patient(call(app.baseUrl, "GET", "/readyz"));
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ error: "Not ready: redis not answering" });
    } finally {
      redis.server.resume?.();
    }
  });

  it("the database frozen: reads and uploads answer 503 within the dependency timeout; afterwards all is well", async () => {
    mongo = await startMongoServer();
    // The API key is cached for AUTH_CACHE_TTL_MS; 0 makes every request ask the frozen database.
    const { app, upload, productId, tenant } = await setUp({ STORE: "mongodb", MONGO_URL: mongo.url, AUTH_CACHE_TTL_MS: "0" });
    expect((await upload()).status).toBe(201);
    mongo.server.pause();
    try {
      for (const during of [await patient(upload()), await patient(call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key }))]) {
        expect(during.status).toBe(503);
        expect(during.body).toEqual(UNAVAILABLE);
        expect(during.headers.get("retry-after")).toBe("5");
      }
    } finally {
      mongo.server.resume();
    }
    let after = await upload();
    // The driver may need a moment to see the server again after its sockets timed out.
    for (let attempt = 0; attempt < 50 && after.status === 503; attempt++) after = await upload();
    expect(after.status).toBe(201);
  });
});
