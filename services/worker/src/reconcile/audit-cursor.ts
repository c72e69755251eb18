import type { Redis } from "@ingest/shared";

/** Where the ledger audit stopped, so each run checks the next batch instead of the same one. */
export interface AuditCursor {
  read(): Promise<string | null>;
  write(imageId: string | null): Promise<void>;
}

/**
 * Kept in Redis beside the queue: losing it only restarts the audit from the first image.
 * Outside BullMQ's `<prefix>:images:*` namespace, so no job id can collide with it.
 */
export function createRedisAuditCursor(redis: Redis, prefix: string): AuditCursor {
  const key = `${prefix}:worker:reconcile-audit-cursor`;
  return {
    read: () => redis.get(key),
    async write(imageId) {
      if (imageId === null) await redis.del(key);
      else await redis.set(key, imageId);
    },
  };
}

/** For one-off runs that should not share progress (tests, a dry run). */
export function createMemoryAuditCursor(): AuditCursor {
  let cursor: string | null = null;
  return {
    read: async () => cursor,
    write: async (imageId) => {
      cursor = imageId;
    },
  };
}
