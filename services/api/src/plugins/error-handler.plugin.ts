import { isAppError } from "@ingest/shared";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { INTERNAL_MESSAGE, UNAVAILABLE_MESSAGE } from "../errors/error-messages.ts";
import { STATUS_BY_CODE } from "../errors/error-status.ts";

/** Errors from the MongoDB driver that mean "the database is away", not "the request is bad". */
const UNAVAILABLE_ERROR_NAMES = new Set([
  "MongoServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoPoolClearedError",
  "MongoOperationTimeoutError",
]);

interface ErrorReply {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Every error leaves as `{ "error": "..." }`. Domain errors map through one table; a 4xx that
 * Fastify itself raised (validation, bad JSON, unknown media type) keeps its status and text;
 * anything else is a 5xx whose text never reaches the caller.
 */
export function describeError(error: unknown): ErrorReply {
  if (isAppError(error)) return { status: STATUS_BY_CODE[error.code], message: error.message, headers: error.headers };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return { status: 400, message: fastifyError.message ?? "Invalid request", headers: {} };
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500 && typeof fastifyError.code === "string" && fastifyError.code.startsWith("FST_")) {
    return { status, message: fastifyError.message ?? "Bad request", headers: {} };
  }
  if (error instanceof Error && UNAVAILABLE_ERROR_NAMES.has(error.name)) {
    return { status: 503, message: UNAVAILABLE_MESSAGE, headers: { "retry-after": "5" } };
  }
  return { status: 500, message: INTERNAL_MESSAGE, headers: {} };
}

async function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, message, headers } = describeError(error);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ status, reason: message }, "request refused");
    return reply.code(status).headers(headers).send({ error: message });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: "Not found" }));
}

export default fp(errorHandlerPlugin, { name: "error-handler", fastify: "5.x" });
