import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/**
 * What Node's HTTP parser refuses before Fastify sees a request (Fastify's own answers to these
 * are `{"error":"Bad Request","message":…,"statusCode":…}`): the same `{ "error" }` shape as
 * every other refusal.
 */
export function clientErrorReply(code: string | undefined): { status: number; error: string } {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, error: "Request timeout: the request did not arrive in time" };
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, error: "Request headers too large" };
    case "HPE_INVALID_HEADER_TOKEN":
    case "HPE_INVALID_CONSTANT":
    case "HPE_LF_EXPECTED":
    case "HPE_CR_EXPECTED":
      return { status: 400, error: "Malformed request: invalid character in a header" };
    default:
      return { status: 400, error: "Malformed request" };
  }
}

/** Fastify's `clientErrorHandler`: answers once in the `{ error }` shape and closes the connection. */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer (Node's own behaviour too).
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const { status, error: message } = clientErrorReply(error.code);
  const body = JSON.stringify({ error: message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`, for what its router refuses before any route runs: a path
 * parameter longer than the router allows is an id that cannot exist (404, like any malformed
 * id), and a path with broken percent-encoding is a 400.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    const isProduct = request.url.startsWith("/api/v1/products/");
    void reply.code(404).send({ error: isProduct ? "Product not found" : "Not found" });
    return;
  }
  if (error.code === "FST_ERR_BAD_URL") {
    void reply.code(400).send({ error: "Malformed URL: invalid percent-encoding in the path" });
    return;
  }
  void reply.code(error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400).send({ error: "Bad request" });
}
