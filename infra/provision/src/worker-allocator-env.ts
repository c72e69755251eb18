import { existsSync } from "node:fs";

/** Where Debian-like and Red Hat-like systems put jemalloc 5 (package libjemalloc2 / jemalloc); install-services.sh looks in the same places. */
const JEMALLOC_PATHS = [
  "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
  "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
  "/usr/lib64/libjemalloc.so.2",
  "/usr/lib/libjemalloc.so.2",
];

/**
 * jemalloc returns freed pages after a second instead of ten (dirty_decay_ms) and skips the
 * lazy-free stage (muzzy_decay_ms:0), from a background thread of its own. With the defaults
 * the worker's RSS sat 60–70 MiB higher.
 */
export const JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";

/**
 * glibc malloc settings: two arenas instead of one per thread, and a fixed mmap threshold. glibc
 * raises that threshold each time a large block is freed, after which pixel buffers come from
 * the heap and its holes keep RSS up; fixed at 128 KiB, every large buffer is its own mapping,
 * returned on free. They stay set under jemalloc too (glibc's malloc then reads them unused).
 */
const GLIBC = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" } as const;

/** jemalloc's path on this machine, or null. `WORKER_MALLOC=glibc` in our environment says not to use it. */
export function findJemalloc(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | null {
  if (process.platform !== "linux" || env.WORKER_MALLOC === "glibc") return null;
  return JEMALLOC_PATHS.find((path) => exists(path)) ?? null;
}

/**
 * The allocator environment for a process that runs sharp (the worker), read when the process
 * starts, so it goes in the environment of whatever launches it (see services/worker/README.md):
 * `pnpm start`, the process tests, the bench. jemalloc where it is installed (sharp's own advice
 * for glibc systems): in `pnpm bench`'s B6 lanes its RSS stayed flat over 600 images (192, 197,
 * 199, 206, 207, 199 MiB, medians per 100) where glibc's, with the settings below, climbed
 * (153, 164, 164, 178, 178, 182), the same CPU per image. Without it, glibc's settings.
 * infra/containers/worker.Dockerfile repeats the values.
 */
export function workerAllocatorEnv(jemalloc = findJemalloc()): Readonly<Record<string, string>> {
  return jemalloc ? { ...GLIBC, LD_PRELOAD: jemalloc, MALLOC_CONF: JEMALLOC_CONF } : GLIBC;
}

export const WORKER_ALLOCATOR_ENV = workerAllocatorEnv();
