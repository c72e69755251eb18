import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import fp from "fastify-plugin";
import { createQueueInspector } from "@ingest/shared";
import { createAdminAccess } from "./admin/admin-access.ts";
import queueBoardPlugin from "./admin/queue-board.plugin.ts";
import type { AppDeps } from "./app-deps.ts";
import { createAuthenticator } from "./auth/authenticator.ts";
import { handleClientError, handleFrameworkError } from "./http/client-errors.ts";
import { strictBodyValidators } from "./http/validator-compilers.ts";
import { createApiMetrics } from "./infrastructure/metrics.ts";
import authPlugin from "./plugins/auth.plugin.ts";
import closingPlugin from "./plugins/closing.plugin.ts";
import earlyReplyPlugin from "./plugins/early-reply.plugin.ts";
import errorHandlerPlugin from "./plugins/error-handler.plugin.ts";
import expectContinuePlugin from "./plugins/expect-continue.plugin.ts";
import jsonCharsetPlugin from "./plugins/json-charset.plugin.ts";
import metricsPlugin from "./plugins/metrics.plugin.ts";
import queuePlugin from "./plugins/queue.plugin.ts";
import redisPlugin from "./plugins/redis.plugin.ts";
import requestIdPlugin, { generateRequestId } from "./plugins/request-id.plugin.ts";
import storagePlugin from "./plugins/storage.plugin.ts";
import storePlugin from "./plugins/store.plugin.ts";
import swaggerPlugin from "./plugins/swagger.plugin.ts";
import apiRoutes from "./routes/api.routes.ts";
import fileRoutes from "./routes/files/file.routes.ts";
import healthRoutes from "./routes/health/health.routes.ts";
import { createServices } from "./services/create-services.ts";

/**
 * The whole API as one plugin over injected, already-open connections. It takes ownership of
 * them: closing the app closes them (queue, then storage, Redis, the store).
 */
async function app(instance: FastifyInstance, { deps }: { readonly deps: AppDeps }): Promise<void> {
  const { operators } = deps.config;
  const services = createServices(deps, deps.events);
  const metrics = createApiMetrics({ uploadsInFlight: () => services.admission.inFlight() });

  // First, so it sees every route defined after it.
  if (deps.tracingPlugin) await instance.register(deps.tracingPlugin);
  await instance.register(requestIdPlugin);
  await instance.register(errorHandlerPlugin);
  await instance.register(metricsPlugin, { metrics, tokenSha256: operators.metricsTokenSha256 });
  await instance.register(earlyReplyPlugin);
  await instance.register(closingPlugin);
  await instance.register(expectContinuePlugin);
  await instance.register(jsonCharsetPlugin);

  await instance.register(storePlugin, { store: deps.store });
  await instance.register(redisPlugin, { connection: deps.redis, rateLimit: deps.rateLimitRedis });
  await instance.register(storagePlugin, { storage: deps.storage });
  await instance.register(queuePlugin, { queue: deps.queue });

  await instance.register(swaggerPlugin);
  const authenticate = createAuthenticator({ config: deps.config.api, credentials: deps.store.repositories.credentials, jwks: deps.jwks });
  await instance.register(authPlugin, { authenticate });

  await instance.register(healthRoutes, { services });
  if (deps.config.api.serveFiles) await instance.register(fileRoutes, { storage: deps.storage, images: deps.store.repositories.images });
  const rateLimit = operators.rateLimit.enabled
    ? { settings: operators.rateLimit, redis: deps.rateLimitRedis, keyPrefix: deps.config.queue.prefix, metrics }
    : null;
  await instance.register(apiRoutes, { prefix: "/api/v1", services, rateLimit, minUploadRate: deps.config.api.minUploadRate });

  // The queue dashboard exists only when an operators' credential is configured.
  if (operators.admin.tokenSha256 !== undefined || operators.admin.oauthScope) {
    await instance.register(queueBoardPlugin, {
      inspector: createQueueInspector(deps.redis, deps.config.queue.prefix),
      readOnly: operators.admin.readOnly,
      checkAccess: createAdminAccess({ tokenSha256: operators.admin.tokenSha256, authenticate: operators.admin.oauthScope ? authenticate : null }),
    });
  }
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
    // Query strings and params are coerced to their types; JSON bodies are not (validator-compilers.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true } },
    schemaController: strictBodyValidators(),
    // Ids longer than any real one still reach their route (and its 404); past this the router
    // refuses, and handleFrameworkError answers in the same shape.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: handleFrameworkError,
    // Refusals by Node's HTTP parser (431, 408, bad header characters) in the { error } shape.
    clientErrorHandler: handleClientError,
  };
}

/** Builds (but does not start) the API. Tests call this and use inject() or listen on port 0. */
export async function createApp(deps: AppDeps, options: FastifyServerOptions = serverOptions()): Promise<FastifyInstance> {
  const instance = Fastify(options);
  await instance.register(appPlugin, { deps });
  return instance;
}
