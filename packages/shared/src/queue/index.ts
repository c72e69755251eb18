/** `@ingest/shared/queue`: job contracts and the BullMQ adapters (loads bullmq). */
export * from "./bullmq.queue.ts";
export * from "./jobs.ts";
export * from "./queue-inspector.ts";
