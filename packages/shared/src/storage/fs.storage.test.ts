import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFsStorage } from "./fs.storage.ts";

const dir = await mkdtemp(join(tmpdir(), "fs-storage-"));
const storage = createFsStorage(dir);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the filesystem adapter", () => {
  it("round-trips an object with its content type from the extension", async () => {
    await storage.put("c/products/p/images/i.webp", Buffer.from("abc"), { contentType: "image/webp" });
    const object = await storage.get("c/products/p/images/i.webp");
    expect(object?.contentType).toBe("image/webp");
    expect(await storage.getBuffer("c/products/p/images/i.webp", 10)).toEqual(Buffer.from("abc"));
    const keys = [];
    for await (const item of storage.list("c/products/")) keys.push(item.key);
    expect(keys).toEqual(["c/products/p/images/i.webp"]);
    await storage.delete(["c/products/p/images/i.webp", "c/missing.png"]);
    expect(await storage.exists("c/products/p/images/i.webp")).toBe(false);
  });

  it("lists keys in byte order, as S3 does, and resumes after a given key", async () => {
    const keys = ["x.jpg", "x/y.jpg", "x-1/a.png", "x/y/320w.webp", "a/b/c.png", "x0.png"];
    for (const key of keys) await storage.put(`order/${key}`, Buffer.from("1"), { contentType: "image/png" });
    const listed = async (startAfter?: string) => {
      const found: string[] = [];
      for await (const item of storage.list("order/", startAfter === undefined ? {} : { startAfter })) found.push(item.key);
      return found;
    };
    const sorted = keys.map((key) => `order/${key}`).sort();
    expect(await listed()).toEqual(sorted);
    expect(await listed("order/x.jpg")).toEqual(sorted.slice(sorted.indexOf("order/x.jpg") + 1));
    expect(await listed("order/x/y")).toEqual(sorted.filter((key) => key > "order/x/y"));
    expect(await listed("order/zzz")).toEqual([]);
  });

  it("refuses path traversal", async () => {
    await expect(storage.put("../escape.png", Buffer.from("x"), { contentType: "image/png" })).rejects.toThrow(/unsafe/);
    await expect(storage.get("a/../../escape.png")).rejects.toThrow(/unsafe/);
  });
});
