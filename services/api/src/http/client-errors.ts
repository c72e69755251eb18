import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/**
 * Requests that never reach a route: Node's parser refuses them (a header block past its limit,
 * a control character, conflicting lengths), or Fastify cannot decode the URL. Fastify's own
 * answers carry `{ error, message, statusCode }`; these keep every error body `{ "error": "..." }`.
 */
const PARSER_ANSWERS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, "Request header fields too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request timed out"],
};

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const [status, message] = PARSER_ANSWERS[error.code ?? ""] ?? [400, "Malformed HTTP request"];
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Fastify's framework errors (a URL it cannot decode) in the same shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  reply.code(400).send({ error: error.code === "FST_ERR_BAD_URL" ? "Malformed URL" : "Bad request" });
}
