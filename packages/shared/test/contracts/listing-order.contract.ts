import { expect } from "vitest";
import type { Storage } from "../../src/storage/storage.ts";

/**
 * What every Storage adapter promises about `list`: keys in byte order (as S3 lists them), and
 * `startAfter` resuming right after a key, so the audit can stop and go on anywhere.
 */
export async function expectListingInKeyOrder(storage: Storage): Promise<void> {
  const keys = ["x.jpg", "x/y.jpg", "x-1/a.png", "x/y/320w.webp", "a/b/c.png", "x0.png"].map((key) => `order/${key}`);
  for (const key of keys) await storage.put(key, Buffer.from("1"), { contentType: "image/png" });
  const listed = async (startAfter?: string) => {
    const found: string[] = [];
    for await (const item of storage.list("order/", startAfter === undefined ? {} : { startAfter })) found.push(item.key);
    return found;
  };
  const sorted = [...keys].sort();
  expect(await listed()).toEqual(sorted);
  expect(await listed("order/x.jpg")).toEqual(sorted.slice(sorted.indexOf("order/x.jpg") + 1));
  expect(await listed("order/x/y")).toEqual(sorted.filter((key) => key > "order/x/y"));
  expect(await listed("order/zzz")).toEqual([]);
  await storage.delete(keys);
}
