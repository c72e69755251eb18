import { parseConfig } from "@ingest/shared";
import { cleanUpTestData, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { afterAll, describe, expect, it } from "vitest";
import { expectListingInKeyOrder } from "../contracts/listing-order.contract.ts";
import { createS3Storage } from "../../src/storage/s3.storage.ts";
import { ObjectTooLargeError } from "../../src/storage/storage.ts";

const names = uniqueTestNames("s3-storage");
const config = parseConfig(testServiceEnv(testServices(), names));
const storage = createS3Storage(config.storage.s3);

afterAll(async () => {
  storage.close();
  await cleanUpTestData(testServices(), names);
});

describe("the S3 adapter against a real S3 server", () => {
  it("stores, reads, lists and deletes under its key prefix, with the SDK's default checksums", async () => {
    const body = Buffer.from("not really a png, but bytes are bytes");
    await storage.put("c1/products/p1/images/a.png", body, { contentType: "image/png" });
    await storage.put("c1/products/p1/images/a/320w.webp", Buffer.from("derivative"), { contentType: "image/webp" });

    const object = await storage.get("c1/products/p1/images/a.png");
    expect(object?.contentType).toBe("image/png");
    expect(object?.contentLength).toBe(body.length);
    expect(await storage.getBuffer("c1/products/p1/images/a.png", 1024)).toEqual(body);
    await expect(storage.getBuffer("c1/products/p1/images/a.png", 4)).rejects.toBeInstanceOf(ObjectTooLargeError);

    const listed = [];
    for await (const item of storage.list("c1/")) listed.push(item.key);
    expect(listed.sort()).toEqual(["c1/products/p1/images/a.png", "c1/products/p1/images/a/320w.webp"]);

    await storage.delete(["c1/products/p1/images/a.png", "c1/products/p1/images/a/320w.webp", "c1/never-existed.png"]);
    expect(await storage.exists("c1/products/p1/images/a.png")).toBe(false);
    expect(await storage.get("c1/products/p1/images/a/320w.webp")).toBeNull();
  });

  it("lists keys in byte order, as S3 does, and resumes after a given key", () => expectListingInKeyOrder(storage));

  it("refuses to write keys that could escape their prefix or that S3 cannot hold; reading them finds nothing, without asking", async () => {
    await expect(storage.put("../other-tenant/x.png", Buffer.from("x"), { contentType: "image/png" })).rejects.toThrow(/unsafe/);
    await expect(storage.put(`${"a".repeat(256)}.png`, Buffer.from("x"), { contentType: "image/png" })).rejects.toThrow(/unsafe/);
    await expect(storage.put(`${"a/".repeat(520)}x.png`, Buffer.from("x"), { contentType: "image/png" })).rejects.toThrow(/unsafe/);
    await expect(storage.exists("/absolute.png")).resolves.toBe(false);
    await expect(storage.get("../other-tenant/x.png")).resolves.toBeNull();
    await expect(storage.get(`${"a".repeat(256)}.png`)).resolves.toBeNull();
    await expect(storage.delete(["../other-tenant/x.png"])).resolves.toBeUndefined();
  });

  it("answers a ping while the bucket is there", async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });
});
