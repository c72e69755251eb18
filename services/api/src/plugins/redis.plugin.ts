import type { Redis } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    redis: Redis;
  }
}

/**
 * Owns the request-mode Redis connection (fails fast while Redis is away, reconnects alone) and
 * the rate limiter's own one.
 */
async function redisPlugin(app: FastifyInstance, { connection, rateLimit }: { readonly connection: Redis; readonly rateLimit: Redis }): Promise<void> {
  app.decorate("redis", connection);
  app.addHook("onClose", async () => {
    // QUIT waits for Redis; when it is away there is nothing to say goodbye to.
    await Promise.all([connection, rateLimit].map((redis) => redis.quit().catch(() => redis.disconnect())));
  });
}

export default fp(redisPlugin, { name: "redis", fastify: "5.x" });
