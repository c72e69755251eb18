import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import fp from "fastify-plugin";
import type { AppDeps } from "./app-deps.ts";
import { createAuthenticator } from "./auth/authenticator.ts";
import { clientErrorHandler, frameworkErrors } from "./http/client-errors.ts";
import authPlugin from "./plugins/auth.plugin.ts";
import closingPlugin from "./plugins/closing.plugin.ts";
import earlyReplyPlugin from "./plugins/early-reply.plugin.ts";
import errorHandlerPlugin from "./plugins/error-handler.plugin.ts";
import expectContinuePlugin from "./plugins/expect-continue.plugin.ts";
import mongoPlugin from "./plugins/mongo.plugin.ts";
import queuePlugin from "./plugins/queue.plugin.ts";
import redisPlugin from "./plugins/redis.plugin.ts";
import requestIdPlugin, { generateRequestId } from "./plugins/request-id.plugin.ts";
import storagePlugin from "./plugins/storage.plugin.ts";
import swaggerPlugin from "./plugins/swagger.plugin.ts";
import apiRoutes from "./routes/api.routes.ts";
import fileRoutes from "./routes/files/file.routes.ts";
import healthRoutes from "./routes/health/health.routes.ts";
import { createServices } from "./services/create-services.ts";

/**
 * The whole API as one plugin over injected, already-open connections. It takes ownership of
 * them: closing the app closes them (queue, then storage, Redis, MongoDB).
 */
async function app(instance: FastifyInstance, { deps }: { readonly deps: AppDeps }): Promise<void> {
  await instance.register(requestIdPlugin);
  await instance.register(errorHandlerPlugin);
  await instance.register(earlyReplyPlugin);
  await instance.register(closingPlugin);
  await instance.register(expectContinuePlugin);

  await instance.register(mongoPlugin, { connection: deps.mongo, repositories: deps.repositories });
  await instance.register(redisPlugin, { connection: deps.redis });
  await instance.register(storagePlugin, { storage: deps.storage });
  await instance.register(queuePlugin, { queue: deps.queue });

  await instance.register(swaggerPlugin);
  const authenticate = createAuthenticator({ config: deps.config.api, credentials: deps.repositories.credentials, jwks: deps.jwks });
  await instance.register(authPlugin, { authenticate });

  const services = createServices(deps, deps.events);
  await instance.register(healthRoutes, { services });
  if (deps.config.api.serveFiles) await instance.register(fileRoutes, { storage: deps.storage, images: deps.repositories.images });
  await instance.register(apiRoutes, { prefix: "/api/v1", services, minUploadRate: deps.config.api.minUploadRate });
}

export const appPlugin = fp(app, { name: "app", fastify: "5.x" });

/** Server-wide options: request ids, JSON bodies up to 1 MiB, strict validation (unknown fields are a 400). */
export function serverOptions(logger: FastifyServerOptions["logger"] = false): FastifyServerOptions {
  return {
    logger,
    genReqId: generateRequestId,
    logController: new LogController({ requestIdLogLabel: "requestId" }),
    bodyLimit: 1024 * 1024,
    // The closing plugin answers requests that arrive while draining, in the { error } shape.
    return503OnClosing: false,
    // A body must arrive within 2 minutes (6 MiB at 50 KB/s); Fastify's default is no limit. An
    // upload body is also held to a minimum rate (API_UPLOAD_MIN_KIB_PER_WINDOW), so a stalled
    // one gives its admission slot back within seconds.
    requestTimeout: 120_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true } },
    // What never reaches a route still answers in the { error } shape.
    clientErrorHandler,
    frameworkErrors,
  };
}

/** Builds (but does not start) the API. Tests call this and use inject() or listen on port 0. */
export async function createApp(deps: AppDeps, options: FastifyServerOptions = serverOptions()): Promise<FastifyInstance> {
  const instance = Fastify(options);
  await instance.register(appPlugin, { deps });
  return instance;
}
