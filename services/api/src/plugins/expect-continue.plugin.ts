import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route sends `100 Continue` itself, once it has decided to read the body. */
    deferContinue?: boolean;
  }
}

const continued = new WeakSet<ServerResponse>();

/** Tells a client that sent `Expect: 100-continue` to go ahead with its body (once). */
export function sendContinue(request: IncomingMessage, response: ServerResponse): void {
  if (continued.has(response) || response.headersSent) return;
  if (!/^100-continue$/i.test(String(request.headers.expect ?? "").trim())) return;
  continued.add(response);
  response.writeContinue();
}

/**
 * Clients such as curl announce large bodies with `Expect: 100-continue` and wait. Node would
 * answer `100 Continue` at once; instead the request goes through the hooks first, so a doomed
 * upload (401, 403, 404, 422) is refused before the client sends a byte of its file. Routes
 * that parse their body get the go-ahead just before parsing; the upload route sends it itself.
 */
async function expectContinuePlugin(app: FastifyInstance): Promise<void> {
  app.server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    app.server.emit("request", request, response);
  });
  app.addHook("preParsing", async (request, reply, payload) => {
    if (!request.routeOptions.config.deferContinue) sendContinue(request.raw, reply.raw);
    return payload;
  });
}

export default fp(expectContinuePlugin, { name: "expect-continue", fastify: "5.x" });
