/**
 * glibc malloc settings for a process that runs sharp (the worker), read by glibc when the process
 * starts, so they go in the environment of whatever launches it (see services/worker/README.md):
 * two arenas instead of one per thread, and a fixed mmap threshold. glibc raises that threshold
 * each time a large block is freed, after which pixel buffers come from the heap and its holes
 * keep RSS up; fixed at 128 KiB, every large buffer is its own mapping, returned on free.
 * services/worker/package.json and infra/containers/worker.Dockerfile repeat the two values.
 */
export const WORKER_ALLOCATOR_ENV = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" } as const;
