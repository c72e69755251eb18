import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectListingInKeyOrder } from "../../test/contracts/listing-order.contract.ts";
import { createFsStorage } from "./fs.storage.ts";
import { ObjectTooLargeError } from "./storage.ts";

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

  it("lists keys in byte order, as S3 does, and resumes after a given key", () => expectListingInKeyOrder(storage));

  it("moves a spooled body into place instead of copying it", async () => {
    const spooled = join(dir, "..", `spooled-${Date.now()}.upload`);
    await writeFile(spooled, "spooled bytes");
    let moved = false;
    const body = {
      path: spooled,
      size: 13,
      moved: () => {
        moved = true;
      },
    };
    await storage.put("c/products/p/images/s.png", body, { contentType: "image/png" });
    expect(await storage.getBuffer("c/products/p/images/s.png", 100)).toEqual(Buffer.from("spooled bytes"));
    expect(existsSync(spooled)).toBe(false);
    expect(moved).toBe(true);
  });

  it("writes and moves objects the same way when each one is fsynced (DURABILITY=power)", async () => {
    const synced = createFsStorage(dir, { durability: "power" });
    await synced.put("c/products/p/images/f.png", Buffer.from("fsynced"), { contentType: "image/png" });
    const spooled = join(dir, "..", `spooled-${Date.now()}-power.upload`);
    await writeFile(spooled, "spooled and fsynced");
    await synced.put("c/products/p/images/g.png", { path: spooled, size: 19 }, { contentType: "image/png" });
    expect(await synced.getBuffer("c/products/p/images/f.png", 100)).toEqual(Buffer.from("fsynced"));
    expect(await synced.getBuffer("c/products/p/images/g.png", 100)).toEqual(Buffer.from("spooled and fsynced"));
    expect(existsSync(spooled)).toBe(false);
  });

  it("reads an object whole in one buffer, and refuses one past the limit, a folder or nothing", async () => {
    const bytes = Buffer.alloc(300_000, 7);
    await storage.put("c/products/p/images/big.png", bytes, { contentType: "image/png" });
    const read = await storage.getBuffer("c/products/p/images/big.png", bytes.length);
    expect(read?.equals(bytes)).toBe(true);
    await expect(storage.getBuffer("c/products/p/images/big.png", bytes.length - 1)).rejects.toThrow(ObjectTooLargeError);
    expect(await storage.getBuffer("c/products/p/images", 100)).toBeNull();
    expect(await storage.getBuffer("c/products/p/images/none.png", 100)).toBeNull();
    expect(await storage.getBuffer("c/products/p/images/big.png/inside.png", 100)).toBeNull();
  });

  it("refuses path traversal", async () => {
    await expect(storage.put("../escape.png", Buffer.from("x"), { contentType: "image/png" })).rejects.toThrow(/unsafe/);
    await expect(storage.get("a/../../escape.png")).rejects.toThrow(/unsafe/);
  });
});
