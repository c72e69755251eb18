import type { Redis } from "@ingest/shared";

/** Where the full audit stands (a JSON document, see audit.ts), so a stopped audit resumes. */
export interface AuditCursor {
  read(): Promise<string | null>;
  write(state: string | null): Promise<void>;
}

/**
 * Kept in Redis beside the queues: losing it only restarts the audit from the first image.
 * Outside BullMQ's `<prefix>:<queue>:*` namespaces, so no job id can collide with it.
 */
export function createRedisAuditCursor(redis: Redis, prefix: string): AuditCursor {
  const key = `${prefix}:worker:audit-state`;
  return {
    read: () => redis.get(key),
    async write(state) {
      if (state === null) await redis.del(key);
      else await redis.set(key, state);
    },
  };
}

/** For one-off runs that should not share progress (tests, a dry run). */
export function createMemoryAuditCursor(): AuditCursor {
  let cursor: string | null = null;
  return {
    read: async () => cursor,
    write: async (state) => {
      cursor = state;
    },
  };
}
