import { isAppError, isDependencyUnavailable } from "@ingest/shared";
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
  // A pool that cannot hand out a connection in time (DEPENDENCY_TIMEOUT_MS): a hung server.
  "MongoWaitQueueTimeoutError",
  "WaitQueueTimeoutError",
]);

/**
 * How an error is logged. `refused`: an answer given on purpose (every 4xx, admission's 503),
 * info without a stack. `unavailable`: a dependency is away, warn without a stack (readiness
 * says which). `failed`: a bug or something unexpected, error with the stack: what an operator
 * must look at.
 */
export type ErrorSeverity = "refused" | "unavailable" | "failed";

interface ErrorReply {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly severity: ErrorSeverity;
}

const RETRY_UNAVAILABLE = { "retry-after": "5" };

/**
 * Every error leaves as `{ "error": "..." }`. Domain errors map through one table; a 4xx that
 * Fastify itself raised (validation, bad JSON, unknown media type) keeps its status and text;
 * anything else is a 5xx whose text never reaches the caller.
 */
export function describeError(error: unknown): ErrorReply {
  if (isAppError(error)) {
    const severity = error.code === "dependency_unavailable" ? "unavailable" : "refused";
    return { status: STATUS_BY_CODE[error.code], message: error.message, headers: error.headers, severity };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return { status: 400, message: fastifyError.message ?? "Invalid request", headers: {}, severity: "refused" };
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500 && typeof fastifyError.code === "string" && fastifyError.code.startsWith("FST_")) {
    return { status, message: fastifyError.message ?? "Bad request", headers: {}, severity: "refused" };
  }
  if (isDependencyUnavailable(error) || (error instanceof Error && UNAVAILABLE_ERROR_NAMES.has(error.name))) {
    return { status: 503, message: UNAVAILABLE_MESSAGE, headers: RETRY_UNAVAILABLE, severity: "unavailable" };
  }
  return { status: 500, message: INTERNAL_MESSAGE, headers: {}, severity: "failed" };
}

function logError(request: FastifyRequest, error: unknown, { status, message, severity }: ErrorReply): void {
  if (severity === "failed") {
    request.log.error({ err: error }, "request failed");
    return;
  }
  if (severity === "refused") {
    request.log.info({ status, reason: message }, "request refused");
    return;
  }
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const dependency = isDependencyUnavailable(error) ? error.dependency : error instanceof Error && error.name.startsWith("Mongo") ? "database" : undefined;
  request.log.warn({ status, dependency, reason: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) }, "dependency unavailable");
}

async function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const described = describeError(error);
    logError(request, error, described);
    return reply.code(described.status).headers(described.headers).send({ error: described.message });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: "Not found" }));
}

export default fp(errorHandlerPlugin, { name: "error-handler", fastify: "5.x" });
