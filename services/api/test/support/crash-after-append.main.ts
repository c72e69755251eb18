import { createJobQueue, createRedis, createStorage, loadConfig, type ProductRepository } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { createApp, serverOptions } from "../../src/app.ts";
import { loadJwks } from "../../src/auth/oauth.authenticator.ts";

/**
 * The API composed as main.ts does, with one fault a real server cannot produce on demand: the
 * process kills itself (SIGKILL, no cleanup) right after an upload's append has committed, before
 * any answer is sent. Tests run it as a child process to crash between the append and the 201.
 */
const config = loadConfig();
const store = await openStore(config.store);
const real = store.repositories.products;
const products: ProductRepository = {
  ...real,
  async change(companyId, productId, decide) {
    const outcome = await real.change(companyId, productId, decide);
    process.kill(process.pid, "SIGKILL");
    return outcome;
  },
};
const redis = createRedis(config.redis.url, "request");
redis.on("error", () => {});
const rateLimitRedis = createRedis(config.redis.url, "request", { commandTimeoutMs: config.operators.rateLimit.redisTimeoutMs });
rateLimitRedis.on("error", () => {});
const app = await createApp(
  {
    config,
    store: { ...store, repositories: { ...store.repositories, products } },
    redis,
    rateLimitRedis,
    storage: await createStorage(config.storage),
    queue: createJobQueue(redis, config.queue.prefix, config.operators.jobRetention),
    jwks: await loadJwks(config.api.oauth),
  },
  serverOptions(false),
);
await app.listen({ host: config.api.host, port: config.api.port });
