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
