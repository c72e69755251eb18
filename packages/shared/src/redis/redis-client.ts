import { Redis } from "ioredis";

export type { Redis } from "ioredis";

/**
 * `request` connections fail fast when Redis is away (the API must not hang on it);
 * `blocking` connections wait and reconnect for as long as it takes, as BullMQ workers need.
 * `commandTimeoutMs` (request mode, default 2 s) bounds every command of that client.
 */
export function createRedis(url: string, mode: "request" | "blocking", options: { readonly commandTimeoutMs?: number } = {}): Redis {
  const common = {
    lazyConnect: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2_000),
  };
  return mode === "request"
    ? new Redis(url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs ?? 2_000 })
    : new Redis(url, { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true });
}

export async function pingRedis(redis: Redis): Promise<void> {
  const ping = redis.ping();
  // When the timeout wins, the ping may still fail later (say, as the connection closes): that
  // late failure is already reported as the timeout, so it must not surface as unhandled.
  ping.catch(() => {});
  const answer = await Promise.race([
    ping,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("redis ping timed out")), 2_000).unref()),
  ]);
  if (answer !== "PONG") throw new Error(`redis answered ${answer}`);
}
