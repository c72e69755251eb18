import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * While the server drains on shutdown, a request that still arrives on an open keep-alive
 * connection is turned away with 503 in our error shape (Fastify's built-in answer has its own
 * shape), so the caller retries against another replica.
 */
async function closingPlugin(app: FastifyInstance): Promise<void> {
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async (_request, reply) => {
    if (!closing) return;
    return reply
      .code(503)
      .headers({ "retry-after": "1", connection: "close" })
      .send({ error: "The server is shutting down; retry shortly." });
  });
}

export default fp(closingPlugin, { name: "closing", fastify: "5.x" });
