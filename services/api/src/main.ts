import {
  ConfigError,
  createJobQueue,
  createLoggerOptions,
  createRedis,
  createStorage,
  loadConfig,
  redactUrl,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import { pino } from "pino";
import { createApp, serverOptions } from "./app.ts";
import { loadJwks } from "./auth/oauth.authenticator.ts";
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
  const store = await openStore(config.store);
  logger.info({ store: store.description, redis: redactUrl(config.redis.url), storage: config.storage.driver }, "starting");
  // Redis may be away at start: the API still serves reads, readiness says so, uploads still commit.
  const redis = createRedis(config.redis.url, "request");
  redis.on("error", (error: Error) => logger.warn({ err: error.message }, "redis unavailable"));
  const storage = createStorage(config.storage);
  const queue = createJobQueue(redis, config.queue.prefix);
  const jwks = await loadJwks(config.api.oauth);

  const app = await createApp({ config, store, redis, storage, queue, jwks }, { ...serverOptions(), logger: undefined, loggerInstance: logger });
  closeOnSignals(app, config.shutdownTimeoutMs);
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  app.log.info({ address, docs: `${address}/docs` }, "api listening");
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
