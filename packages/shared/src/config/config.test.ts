import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { ConfigError } from "./config-reader.ts";

describe("parseConfig", () => {
  it("gives documented defaults for an empty environment", () => {
    const config = parseConfig({});
    expect(config.api.port).toBe(3000);
    expect(config.storage.driver).toBe("fs");
    expect(config.publicBaseUrl).toBe("http://127.0.0.1:3000/files");
    expect(config.worker.derivativeWidths).toEqual([320, 640, 1280, 1920]);
    expect(Object.isFrozen(config.worker)).toBe(true);
    expect(config.dependencyTimeoutMs).toBe(5_000);
    expect(config.api.maxUploadsPerCompany).toBe(16);
    expect(config.api.maxUploadsPerCredential).toBe(8);
    expect(config.api.minUploadRate).toEqual({ minBytes: 16 * 1024, windowMs: 10_000 });
  });

  it("reads the reliability limits, and 0 KiB turns the upload rate check off", () => {
    const config = parseConfig({
      API_MAX_UPLOADS_PER_COMPANY: "4",
      API_MAX_UPLOADS_PER_CREDENTIAL: "2",
      API_UPLOAD_MIN_KIB_PER_WINDOW: "0",
      API_UPLOAD_RATE_WINDOW_MS: "2000",
      DEPENDENCY_TIMEOUT_MS: "1500",
    });
    expect(config.api.maxUploadsPerCompany).toBe(4);
    expect(config.api.maxUploadsPerCredential).toBe(2);
    expect(config.api.minUploadRate).toEqual({ minBytes: 0, windowMs: 2_000 });
    expect(config.dependencyTimeoutMs).toBe(1_500);
    expect(() => parseConfig({ DEPENDENCY_TIMEOUT_MS: "10" })).toThrow(/DEPENDENCY_TIMEOUT_MS/);
  });

  it("picks the embedded SQLite store unless MongoDB is asked for", () => {
    expect(parseConfig({}).store).toEqual({ kind: "sqlite", path: ".data/ingest.sqlite", durability: "crash" });
    expect(parseConfig({ SQLITE_PATH: "/var/lib/ingest/db.sqlite", DURABILITY: "power" }).store).toEqual({ kind: "sqlite", path: "/var/lib/ingest/db.sqlite", durability: "power" });
    expect(parseConfig({ DURABILITY: "power" }).storage.durability).toBe("power");
    expect(() => parseConfig({ DURABILITY: "disk" })).toThrow(/DURABILITY/);
    expect(parseConfig({ MONGO_URL: "mongodb://db:27017" }).store).toEqual({ kind: "mongodb", url: "mongodb://db:27017", dbName: "image_ingest", timeoutMs: 5_000 });
    expect(parseConfig({ STORE: "mongodb", MONGO_DB: "shop" }).store).toEqual({ kind: "mongodb", url: "mongodb://127.0.0.1:27017", dbName: "shop", timeoutMs: 5_000 });
    // An explicit STORE wins over a MONGO_URL left in the environment.
    expect(parseConfig({ STORE: "sqlite", MONGO_URL: "mongodb://db:27017" }).store.kind).toBe("sqlite");
    expect(() => parseConfig({ STORE: "postgres" })).toThrow(/STORE/);
  });

  it("reads the callers' settings: idempotency keys and webhooks, with their defaults", () => {
    expect(parseConfig({}).callers).toEqual({
      idempotency: { ttlMs: 86_400_000, inFlightTimeoutMs: 300_000 },
      webhooks: { allowLoopback: false, timeoutMs: 10_000, retryWindowMs: 86_400_000, retryBaseMs: 1_000, secretKeyHex: undefined },
    });
    const key = "AB".repeat(32);
    const set = parseConfig({ IDEMPOTENCY_TTL_MS: "5000", WEBHOOKS_ALLOW_LOOPBACK: "true", WEBHOOK_RETRY_WINDOW_MS: "2000", WEBHOOK_SECRET_KEY: key });
    expect(set.callers.idempotency.ttlMs).toBe(5_000);
    expect(set.callers.webhooks).toMatchObject({ allowLoopback: true, retryWindowMs: 2_000, secretKeyHex: key.toLowerCase() });
    expect(() => parseConfig({ WEBHOOK_SECRET_KEY: "short" })).toThrow(/WEBHOOK_SECRET_KEY must be 64 hex characters/);
    expect(() => parseConfig({ IDEMPOTENCY_TTL_MS: "10" })).toThrow(/IDEMPOTENCY_TTL_MS/);
  });

  it("lists every bad variable in one error", () => {
    let error: unknown;
    try {
      parseConfig({ API_PORT: "eighty", STORAGE_DRIVER: "s3", DERIVATIVE_WIDTHS: "320,big", REDIS_URL: "http://x" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).problems.join("\n");
    expect(text).toMatch(/API_PORT/);
    expect(text).toMatch(/S3_BUCKET is required/);
    expect(text).toMatch(/DERIVATIVE_WIDTHS/);
    expect(text).toMatch(/REDIS_URL must use redis:/);
  });

  it("normalises the public base URL and the key prefix", () => {
    const config = parseConfig({ PUBLIC_BASE_URL: "https://cdn.example.com/", S3_KEY_PREFIX: "t1" });
    expect(config.publicBaseUrl).toBe("https://cdn.example.com");
    expect(config.storage.s3.keyPrefix).toBe("t1/");
  });

  it("requires issuer and audience with a JWKS", () => {
    expect(() => parseConfig({ OAUTH_JWKS_FILE: "/tmp/jwks.json" })).toThrow(/OAUTH_ISSUER and OAUTH_AUDIENCE/);
  });

  it("reads the operators' settings: hashed secrets, rate limits, job retention", () => {
    const defaults = parseConfig({}).operators;
    expect(defaults.metricsTokenSha256).toBeUndefined();
    expect(defaults.admin.tokenSha256).toBeUndefined();
    expect(defaults.rateLimit).toEqual({ enabled: true, uploads: { max: 120, windowMs: 60_000 }, requests: { max: 1200, windowMs: 60_000 }, redisTimeoutMs: 100 });
    expect(defaults.jobRetention).toEqual({ completedCount: 1000, completedAgeSeconds: 86_400, failedAgeSeconds: 604_800 });

    const secret = "s3cret-s3cret-s3cret";
    const config = parseConfig({ ADMIN_TOKEN: secret, METRICS_TOKEN: secret, RATE_LIMIT_UPLOADS: "10/s" }).operators;
    const hash = createHash("sha256").update(secret).digest("hex");
    expect(config.admin.tokenSha256).toBe(hash);
    expect(config.metricsTokenSha256).toBe(hash);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(config.rateLimit.uploads).toEqual({ max: 10, windowMs: 1_000 });
    expect(parseConfig({ ADMIN_TOKEN_SHA256: hash.toUpperCase() }).operators.admin.tokenSha256).toBe(hash);
  });

  it("names every bad operators' variable", () => {
    let problems = "";
    try {
      parseConfig({ RATE_LIMIT_REQUESTS: "lots", ADMIN_TOKEN_SHA256: "abc", METRICS_TOKEN: "short", ADMIN_OAUTH_SCOPE: "true" });
    } catch (error) {
      problems = (error as ConfigError).problems.join("\n");
    }
    expect(problems).toMatch(/RATE_LIMIT_REQUESTS: a rate limit is/);
    expect(problems).toMatch(/METRICS_TOKEN must be at least 16 characters/);
    expect(problems).toMatch(/ADMIN_TOKEN_SHA256 must be 64 hex characters/);
    expect(problems).toMatch(/ADMIN_OAUTH_SCOPE needs OAUTH_JWKS_URL or OAUTH_JWKS_FILE/);
  });
});
