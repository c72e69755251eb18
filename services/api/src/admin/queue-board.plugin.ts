import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { QueueInspector } from "@ingest/shared";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdminCredential } from "./admin-access.ts";

export const QUEUE_BOARD_PATH = "/admin/queues";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface QueueBoardOptions {
  readonly inspector: QueueInspector;
  readonly readOnly: boolean;
  readonly checkAccess: (authorization: string | undefined) => Promise<AdminCredential>;
}

/**
 * bull-board over every queue, at /admin/queues. bull-board has no auth of its own and seeing it
 * amounts to Redis access, so every request under it (page, assets, its JSON API) needs the
 * admin credential; without one it is 401 with a Basic challenge, so a browser prompts. A
 * change made with Basic auth (which the browser resends by itself) must come from this origin:
 * a page elsewhere cannot retry or remove jobs through an operator's browser.
 */
export default async function queueBoardPlugin(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: options.inspector.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: options.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Image ingestion queues" } },
  });

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    // Replies here rather than throwing: bull-board sets its own error handler for its routes.
    const credential = await options.checkAccess(request.headers.authorization);
    if (credential === null) {
      return reply
        .code(401)
        .header("www-authenticate", 'Basic realm="queues", charset="UTF-8"')
        .header("cache-control", "no-store")
        .send({ error: "The queue dashboard needs the admin credential" });
    }
    if (credential === "basic" && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
      return reply.code(403).send({ error: "Changes from the dashboard must come from its own page" });
    }
  });
  app.addHook("onClose", async () => {
    await options.inspector.close().catch(() => {});
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
}

function isSameOrigin(request: FastifyRequest): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined) return site === "same-origin";
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
