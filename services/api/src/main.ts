import {
  ConfigError,
  connectMongo,
  createJobQueue,
  createLoggerOptions,
  createRedis,
  createRepositories,
  createStorage,
  ensureIndexes,
  loadConfig,
  redactUrl,
} from "@ingest/shared";
import { pino } from "pino";
import { createApp, serverOptions } from "./app.ts";
import { loadJwks } from "./auth/oauth.authenticator.ts";
import { closeOnSignals } from "./shutdown.ts";

/** Composition, in dependency order: config → logger → mongo → redis → storage → queue → app. */
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
  logger.info({ mongo: redactUrl(config.mongo.url), redis: redactUrl(config.redis.url), storage: config.storage.driver }, "starting");

  const mongo = await connectMongo(config.mongo.url, config.mongo.dbName, { timeoutMs: config.mongo.timeoutMs });
  const repositories = createRepositories(mongo.db);
  await ensureIndexes(repositories);
  // Redis may be away at start: the API still serves reads, readiness says so, uploads still commit.
  const redis = createRedis(config.redis.url, "request");
  redis.on("error", (error: Error) => logger.warn({ err: error.message }, "redis unavailable"));
  const storage = createStorage(config.storage);
  const queue = createJobQueue(redis, config.queue.prefix);
  const jwks = await loadJwks(config.api.oauth);

  const app = await createApp({ config, mongo, repositories, redis, storage, queue, jwks }, { ...serverOptions(), logger: undefined, loggerInstance: logger });
  closeOnSignals(app, config.shutdownTimeoutMs);
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  app.log.info({ address, docs: `${address}/docs` }, "api listening");
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
