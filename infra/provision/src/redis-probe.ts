import { Redis } from "ioredis";

/** One short-lived connection that never retries: a probe must fail fast, not queue. */
async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

export async function pingRedis(url: string): Promise<boolean> {
  return withRedis(url, async (redis) => (await redis.ping()) === "PONG");
}

/** "Redis 7.0.15" (or Valkey / KeyDB as the server names itself where it does). */
export async function describeRedis(url: string): Promise<string> {
  const info = await withRedis(url, (redis) => redis.info("server"));
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
  const valkey = field("valkey_version");
  return valkey ? `Valkey ${valkey}` : `Redis ${field("redis_version") ?? "(unknown version)"}`;
}
