import { type DedicatedRedis, startRedisServer } from "@ingest/provision";
import { generateApiKey } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { sampleValue } from "../support/metrics-text.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const apps: TestApp[] = [];
let redis: DedicatedRedis | undefined;
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
  await redis?.close();
  redis = undefined;
});

async function start(label: string, env: Record<string, string>): Promise<TestApp> {
  // Counting is under test here, not the limiter's timeout: on a busy machine a 100 ms budget for
  // Redis can lapse and the limiter (rightly) fails open. The fail-open test stops Redis instead.
  const app = await startTestApp(label, { RATE_LIMIT_REDIS_TIMEOUT_MS: "2000", ...env });
  apps.push(app);
  return app;
}

async function newProduct(app: TestApp, key: string): Promise<string> {
  return (await call(app.baseUrl, "POST", "/api/v1/products", { token: key, json: { name: "Battery" } })).body.id;
}

describe("per-credential rate limits, counted in Redis", () => {
  it("answers 429 in the { error } shape with Retry-After and x-ratelimit-* once a credential's budget is spent", async () => {
    const app = await start("rate limit", { RATE_LIMIT_REQUESTS: "3/min" });
    const tenant = await createTenant(app.repositories);
    const other = await createTenant(app.repositories);
    const path = "/api/v1/products";

    const first = await call(app.baseUrl, "GET", path, { token: tenant.key });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("2");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    expect((await call(app.baseUrl, "GET", path, { token: tenant.key })).status).toBe(200);
    expect((await call(app.baseUrl, "GET", path, { token: tenant.key })).status).toBe(200);

    const limited = await call(app.baseUrl, "GET", path, { token: tenant.key });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: expect.stringMatching(/^Rate limit exceeded \(3\/min for this credential\); retry in \d+ s\.$/) });
    expect(Object.keys(limited.body)).toEqual(["error"]);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");

    // Per credential: the same company's other key, and another company, are untouched.
    expect((await call(app.baseUrl, "GET", path, { token: tenant.readKey })).status).toBe(200);
    expect((await call(app.baseUrl, "GET", path, { token: other.key })).status).toBe(200);
    // Unauthenticated requests are refused before the limiter: 401, not 429.
    expect((await call(app.baseUrl, "GET", path)).status).toBe(401);

    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(sampleValue(metrics, "ingest_api_rate_limited_total", { bucket: "requests" })).toBe(1);
    expect(sampleValue(metrics, "ingest_api_http_requests_total", { route: path, status: "429" })).toBe(1);
  });

  it("two replicas share one budget through Redis", async () => {
    const a = await start("rate limit replicas", { RATE_LIMIT_REQUESTS: "4/min" });
    // The second replica shares the first one's database (whichever store) and queue prefix.
    const shared: Record<string, string> = a.config.store.kind === "sqlite" ? { SQLITE_PATH: a.config.store.path } : { MONGO_DB: a.config.store.dbName };
    const b = await start("rate limit replicas", { RATE_LIMIT_REQUESTS: "4/min", ...shared, QUEUE_PREFIX: a.config.queue.prefix });
    const tenant = await createTenant(a.repositories);
    const statuses: number[] = [];
    for (const app of [a, b, a, b, a, b]) statuses.push((await call(app.baseUrl, "GET", "/api/v1/products", { token: tenant.key })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("uploads spend their own budget; a key's stored limit replaces the configured ones", async () => {
    const app = await start("rate limit uploads", { RATE_LIMIT_UPLOADS: "1/min", RATE_LIMIT_REQUESTS: "100/min" });
    const tenant = await createTenant(app.repositories);
    const productId = await newProduct(app, tenant.key);
    const png = await imageBytes("png");
    expect((await uploadImage(app.baseUrl, tenant.key, productId, png)).status).toBe(201);
    const second = await uploadImage(app.baseUrl, tenant.key, productId, png);
    expect(second.status).toBe(429);
    expect(second.headers.get("x-ratelimit-limit")).toBe("1");
    // Reads still have their budget.
    expect((await call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).status).toBe(200);

    // A key created with its own limit (as `pnpm cli keys create --rate-limit 2/min` stores it).
    const { key, lookupId, hash } = generateApiKey();
    await app.repositories.credentials.insertApiKey({
      lookupId,
      companyId: tenant.companyId,
      name: "limited",
      hash,
      scopes: ["products:read", "products:write"],
      rateLimit: { max: 2, windowMs: 60_000 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(app.baseUrl, "GET", "/api/v1/products", { token: key })).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Its upload budget is its own limit too (2), not the configured 1.
    expect((await uploadImage(app.baseUrl, key, productId, png)).status).toBe(201);
    expect((await uploadImage(app.baseUrl, key, productId, png)).status).toBe(201);
    expect((await uploadImage(app.baseUrl, key, productId, png)).status).toBe(429);
  });

  it("fails open while Redis is away, and limits again once it is back", async () => {
    redis = await startRedisServer();
    const app = await start("rate limit redis away", { REDIS_URL: redis.url, RATE_LIMIT_REQUESTS: "2/min" });
    const tenant = await createTenant(app.repositories);
    const get = async () => (await call(app.baseUrl, "GET", "/api/v1/products", { token: tenant.key })).status;

    await redis.server.stop();
    const whileAway: number[] = [];
    for (let i = 0; i < 4; i++) whileAway.push(await get());
    expect(whileAway).toEqual([200, 200, 200, 200]);

    await redis.server.start();
    // Once the limiter's client has reconnected, the budget counts again from zero.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 100 && !statuses.includes(429); attempt++) {
      statuses.push(await get());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(statuses).toContain(429);
  });
});
