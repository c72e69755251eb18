import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { findJemalloc, JEMALLOC_CONF, WORKER_ALLOCATOR_ENV, workerAllocatorEnv } from "./worker-allocator-env.ts";

describe("the worker's allocator environment", () => {
  it("preloads jemalloc, with its short decay, where the library is, and glibc's settings either way", () => {
    expect(workerAllocatorEnv("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")).toEqual({
      MALLOC_ARENA_MAX: "2",
      MALLOC_MMAP_THRESHOLD_: "131072",
      LD_PRELOAD: "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
      MALLOC_CONF: JEMALLOC_CONF,
    });
    expect(workerAllocatorEnv(null)).toEqual({ MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" });
  });

  it("finds jemalloc only where it exists, and not when told WORKER_MALLOC=glibc", () => {
    const only = (wanted: string) => (path: string) => path === wanted;
    expect(findJemalloc({}, () => false)).toBeNull();
    if (process.platform !== "linux") return;
    expect(findJemalloc({}, only("/usr/lib64/libjemalloc.so.2"))).toBe("/usr/lib64/libjemalloc.so.2");
    expect(findJemalloc({ WORKER_MALLOC: "glibc" }, () => true)).toBeNull();
  });

  it("gives a Node process that really runs on jemalloc when it is installed here", () => {
    if (!WORKER_ALLOCATOR_ENV.LD_PRELOAD) return expect(WORKER_ALLOCATOR_ENV.MALLOC_ARENA_MAX).toBe("2");
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(require('node:fs').readFileSync('/proc/self/maps', 'utf8'))"], {
      env: { PATH: process.env.PATH ?? "", ...WORKER_ALLOCATOR_ENV },
      encoding: "utf8",
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toContain("libjemalloc.so.2");
  });
});
