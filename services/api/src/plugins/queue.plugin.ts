import type { JobQueue } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    queue: JobQueue;
  }
}

/** Owns the BullMQ producer; it rides on the Redis connection, so it closes before it. */
async function queuePlugin(app: FastifyInstance, { queue }: { readonly queue: JobQueue }): Promise<void> {
  app.decorate("queue", queue);
  app.addHook("onClose", async () => {
    await queue.close().catch((error: unknown) => app.log.warn({ err: error }, "closing the queue failed"));
  });
}

export default fp(queuePlugin, { name: "queue", fastify: "5.x", dependencies: ["redis"] });
