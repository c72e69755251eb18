import type { Redis } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** Owns the request-mode Redis connection (fails fast while Redis is away, reconnects alone). */
async function redisPlugin(app: FastifyInstance, { connection }: { readonly connection: Redis }): Promise<void> {
  app.decorate("redis", connection);
  app.addHook("onClose", async () => {
    // QUIT waits for Redis; when it is away there is nothing to say goodbye to.
    await connection.quit().catch(() => connection.disconnect());
  });
}

export default fp(redisPlugin, { name: "redis", fastify: "5.x" });
