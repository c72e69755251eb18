/**
 * Node flags for the API process, given on its command line wherever it is launched (V8 reads
 * heap settings when the process starts, and Node refuses this one in NODE_OPTIONS):
 * `pnpm start`, the process tests, the bench and infra/containers/api.Dockerfile (which repeats
 * the value).
 *
 * Why: the API keeps about 30 MiB of live heap (Fastify, BullMQ, the queue board, the schemas)
 * and makes little garbage of its own, so V8 sizes the old generation tightly (1.2 × the live
 * heap) and, under a stream of uploads, runs a full mark-compact for every ~1.5 MiB of garbage:
 * 178 of them in 3,300 one-megabyte uploads, about a fifth of the API's CPU. A configured
 * initial old space (128 MiB) keeps V8 from shrinking that limit: 47 in the same run, and the
 * API's CPU an upload fell from ~10 ms to ~6.5 ms (`pnpm bench --only=B1`, README). 64 MiB
 * halved the count only; 32 changed nothing. It costs at most that much of the JS heap in
 * garbage before a collection; the bodies themselves live outside the heap and are unaffected.
 */
export const API_NODE_FLAGS: readonly string[] = ["--initial-old-space-size=128"];
