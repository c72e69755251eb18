import {
  ConfigError,
  createJobQueue,
  createLoggerOptions,
  createRedis,
  createStorage,
  loadConfig,
  redactUrl,
  startTracing,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import { pino } from "pino";
import { createApp, serverOptions } from "./app.ts";
import { loadJwks } from "./auth/oauth.authenticator.ts";
import { createTracingPlugin } from "./infrastructure/tracing.ts";
import { closeOnSignals } from "./shutdown.ts";

/** Composition, in dependency order: config → logger → store → redis → storage → queue → app. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = pino(createLoggerOptions("api", config.logLevel));
  // Off by default: then nothing of OpenTelemetry is even imported.
  const tracing = await startTracing(config.operators.tracing, "image-ingest-api");
  const store = await openStore(config.store);
  logger.info({ store: store.description, redis: redactUrl(config.redis.url), storage: config.storage.driver }, "starting");
  // Redis may be away at start: the API still serves reads, readiness says so, uploads still commit.
  const redis = createRedis(config.redis.url, "request");
  redis.on("error", (error: Error) => logger.warn({ err: error.message }, "redis unavailable"));
  const storage = await createStorage(config.storage);
  const queue = createJobQueue(redis, config.queue.prefix, config.operators.jobRetention, tracing?.queueTelemetry);
  // The limiter's own client: a stalled Redis may delay a request by this timeout, not by seconds.
  const rateLimitRedis = createRedis(config.redis.url, "request", { commandTimeoutMs: config.operators.rateLimit.redisTimeoutMs });
  rateLimitRedis.on("error", () => {}); // the limiter fails open; readiness reports Redis outages
  const jwks = await loadJwks(config.api.oauth);

  const app = await createApp(
    { config, store, redis, rateLimitRedis, storage, queue, jwks, ...(tracing ? { tracingPlugin: await createTracingPlugin(tracing) } : {}) },
    { ...serverOptions(), logger: undefined, loggerInstance: logger },
  );
  if (tracing) app.addHook("onClose", () => tracing.shutdown());
  closeOnSignals(app, config.shutdownTimeoutMs);
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  app.log.info({ address, docs: `${address}/docs` }, "api listening");
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
