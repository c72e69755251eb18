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
  });

  it("picks the embedded SQLite store unless MongoDB is asked for", () => {
    expect(parseConfig({}).store).toEqual({ kind: "sqlite", path: ".data/ingest.sqlite" });
    expect(parseConfig({ SQLITE_PATH: "/var/lib/ingest/db.sqlite" }).store).toEqual({ kind: "sqlite", path: "/var/lib/ingest/db.sqlite" });
    expect(parseConfig({ MONGO_URL: "mongodb://db:27017" }).store).toEqual({ kind: "mongodb", url: "mongodb://db:27017", dbName: "image_ingest" });
    expect(parseConfig({ STORE: "mongodb", MONGO_DB: "shop" }).store).toEqual({ kind: "mongodb", url: "mongodb://127.0.0.1:27017", dbName: "shop" });
    // An explicit STORE wins over a MONGO_URL left in the environment.
    expect(parseConfig({ STORE: "sqlite", MONGO_URL: "mongodb://db:27017" }).store.kind).toBe("sqlite");
    expect(() => parseConfig({ STORE: "postgres" })).toThrow(/STORE/);
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
});
