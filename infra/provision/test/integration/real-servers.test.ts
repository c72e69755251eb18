import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { createS3Client, startRedisServer } from "../../src/index.ts";
import { cleanUpTestData, testServices, uniqueTestNames } from "../../src/testing/index.ts";

// Proves the provisioned servers are real and answer over real connections.
const services = testServices();
const names = uniqueTestNames("provision");

afterAll(() => cleanUpTestData(services, names));

describe("provisioned servers", () => {
  it("MongoDB protocol: ping, insert, find", async () => {
    const client = new MongoClient(services.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
    try {
      const db = client.db(names.database);
      expect((await db.command({ ping: 1 })).ok).toBe(1);
      await db.collection("things").insertOne({ _id: "a" as never, size: 3 });
      expect(await db.collection("things").findOne({ size: 3 })).toEqual({ _id: "a", size: 3 });
    } finally {
      await client.close();
    }
  });

  it("Redis: PING, SET, GET", async () => {
    const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.ping()).toBe("PONG");
      await redis.set(`${names.queuePrefix}:greeting`, "hello");
      expect(await redis.get(`${names.queuePrefix}:greeting`)).toBe("hello");
    } finally {
      redis.disconnect();
    }
  });

  it("S3: PutObject and GetObject round trip, with the SDK's default request checksums", async () => {
    const s3 = createS3Client(services.s3);
    const Key = `${names.keyPrefix}round-trip.bin`;
    const body = new Uint8Array(64 * 1024).map((_, index) => (index * 31) % 256);
    try {
      const put = await s3.send(new PutObjectCommand({ Bucket: services.s3.bucket, Key, Body: body, ContentType: "application/octet-stream" }));
      // The SDK computes a CRC32 of the body by default; the server checked it and echoes it.
      expect(put.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
      const got = await s3.send(new GetObjectCommand({ Bucket: services.s3.bucket, Key }));
      expect(got.ContentType).toBe("application/octet-stream");
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
    } finally {
      s3.destroy();
    }
  });
});

describe("a dedicated Redis", () => {
  it("goes away on stop() and comes back on the same URL on start()", async () => {
    const dedicated = await startRedisServer();
    // A client with ioredis' default reconnection, as the services use.
    const client = new Redis(dedicated.url, { retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    client.on("error", () => {});
    const probe = () => {
      const once = new Redis(dedicated.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      once.on("error", () => {});
      return once.connect().then(() => once.ping()).finally(() => once.disconnect());
    };
    try {
      expect(await client.ping()).toBe("PONG");
      await dedicated.server.stop();
      await expect(probe()).rejects.toThrow(/ECONNREFUSED|Connection is closed/);
      await dedicated.server.start();
      expect(await probe()).toBe("PONG");
      await expect.poll(() => client.ping().catch(() => "down"), { timeout: 10_000 }).toBe("PONG");
    } finally {
      client.disconnect();
      await dedicated.close();
    }
  });
});
