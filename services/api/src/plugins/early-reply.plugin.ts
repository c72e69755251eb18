import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** How long, and how much, a refused body is still drained after the reply before the socket is closed. */
const LINGER_MS = 2_000;
const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Some answers go out before the request body has arrived: a 401, a 422 for a full product,
 * a 413 as soon as a file crosses 5 MiB or a Content-Length announces 50 MB. Such a body must
 * not be read to its end, so the connection is closed after the reply.
 *
 * Closing at once would let the kernel answer the client's next data with a reset, which can
 * destroy our reply before the client reads it (RFC 9112 §9.6). So the close is staged: send
 * the reply, half-close, discard what still arrives for at most LINGER_MS / LINGER_MAX_BYTES
 * (a client that reads the reply stops sending), then close.
 */
async function earlyReplyPlugin(app: FastifyInstance): Promise<void> {
  app.addHook("onSend", async (request, reply, payload) => {
    if (!request.raw.complete) {
      reply.header("connection", "close");
      lingerAfterReply(request.raw);
    }
    return payload;
  });
}

function lingerAfterReply(request: IncomingMessage): void {
  // Whatever was consuming the body (the multipart parser) is done: discard the rest.
  request.unpipe();
  request.resume();
  const socket = request.socket as Socket & { destroySoon?: () => void };
  // Node's HTTP server calls destroySoon() once a `Connection: close` reply is flushed.
  socket.destroySoon = () => {
    socket.end();
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    socket.once("close", () => clearTimeout(timer));
  };
}

export default fp(earlyReplyPlugin, { name: "early-reply", fastify: "5.x" });
