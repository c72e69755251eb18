import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache.ts";

describe("createTtlCache", () => {
  it("shares one lookup between concurrent callers and serves it from cache afterwards", async () => {
    let loads = 0;
    const cache = createTtlCache<number>(60_000);
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("k", load), cache.get("k", load)])).toEqual([1, 1]);
    expect(await cache.get("k", load)).toBe(1);
    expect(loads).toBe(1);
  });

  it("does not remember failures", async () => {
    const cache = createTtlCache<number>(60_000);
    await expect(cache.get("k", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.get("k", async () => 2)).toBe(2);
  });

  it("with a TTL of 0 always loads", async () => {
    let loads = 0;
    const cache = createTtlCache<number>(0);
    await cache.get("k", async () => ++loads);
    await cache.get("k", async () => ++loads);
    expect(loads).toBe(2);
  });

  it("never holds more than maxEntries", async () => {
    let loads = 0;
    const cache = createTtlCache<number>(60_000, 2);
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => ++loads);
    await cache.get("a", async () => ++loads);
    expect(loads).toBe(4);
  });
});
