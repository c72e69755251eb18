import { once } from "node:events";
import type { Redis } from "@ingest/shared";

/**
 * Waits for a Redis connection to be up. A fail-fast ("request") connection refuses commands
 * until then instead of queueing them, so a short-lived caller (the CLI) waits here first.
 */
export async function whenRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  try {
    await once(redis, "ready", { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new Error(`Redis did not answer within ${timeoutMs} ms`);
  }
}
