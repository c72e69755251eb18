import { describe, expect, it } from "vitest";
import { readExternalSettings } from "./env-services.ts";

const complete = {
  MONGO_URL: "mongodb://db:27017",
  REDIS_URL: "redis://cache:6379",
  S3_ENDPOINT: "http://s3:9000",
  S3_ACCESS_KEY_ID: "id",
  S3_SECRET_ACCESS_KEY: "secret",
  S3_BUCKET: "images",
};

describe("readExternalSettings", () => {
  it("is undefined when no server is named", () => {
    expect(readExternalSettings({ S3_BUCKET: "images" })).toBeUndefined();
  });

  it("reads a complete set, with region and path style defaults", () => {
    expect(readExternalSettings(complete)).toEqual({
      mongoUrl: "mongodb://db:27017",
      redisUrl: "redis://cache:6379",
      s3: { endpoint: "http://s3:9000", region: "us-east-1", bucket: "images", accessKeyId: "id", secretAccessKey: "secret", forcePathStyle: true },
    });
  });

  it("names every missing variable of a partial set", () => {
    expect(() => readExternalSettings({ MONGO_URL: "mongodb://db:27017" })).toThrow(
      /MONGO_URL set, REDIS_URL, S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET missing/,
    );
  });
});
