import { once } from "node:events";
import { findFreePort } from "@ingest/provision";
import { cleanUpTestData, defaultTestStore, type TestNames, type TestStore, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import {
  type Config,
  createJobQueue,
  createRedis,
  createStorage,
  type JobQueue,
  parseConfig,
  type Repositories,
  type Storage,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import type { FastifyInstance } from "fastify";
import { createApp, serverOptions } from "../../src/app.ts";
import { loadJwks } from "../../src/auth/oauth.authenticator.ts";
import type { AdmissionEvent } from "../../src/services/admission.ts";

export interface TestApp {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port> — the app listens for real: uploads are tested over sockets. */
  readonly baseUrl: string;
  readonly config: Config;
  readonly names: TestNames;
  readonly repositories: Repositories;
  readonly storage: Storage;
  readonly queue: JobQueue;
  close(): Promise<void>;
}

/**
 * The API against the run's real servers, composed like main.ts does, with this test's own
 * database, queue prefix and S3 key prefix; close() stops it and deletes all three.
 */
export interface Faults {
  /** Wraps the real storage, to inject a failure a real server cannot produce on demand. */
  readonly storage?: (real: Storage) => Storage;
  /** Wraps the real repositories, likewise. */
  readonly repositories?: (real: Repositories) => Repositories;
}

/** What a test may watch: with `logLines`, the app logs at info level, one parsed JSON object per line. */
export interface Observers {
  readonly logLines?: Record<string, unknown>[];
  /** Every admission decision of the upload path (the metrics hook). */
  readonly onAdmission?: (event: AdmissionEvent) => void;
}

export async function startTestApp(
  label: string,
  env: Record<string, string> = {},
  faults: Faults = {},
  storeKind: TestStore = defaultTestStore(),
  observers: Observers = {},
): Promise<TestApp> {
  const services = testServices();
  const names = uniqueTestNames(label);
  const port = await findFreePort();
  const config = parseConfig({
    ...testServiceEnv(services, names, storeKind),
    API_HOST: "127.0.0.1",
    API_PORT: String(port),
    LOG_LEVEL: "silent",
    API_MAX_CONCURRENT_UPLOADS: "64",
    // Tests of the cap send 50 uploads at once from one key; fairness tests set their own limits.
    API_MAX_UPLOADS_PER_COMPANY: "64",
    API_MAX_UPLOADS_PER_CREDENTIAL: "64",
    ...env,
  });
  const store = await openStore(config.store);
  const repositories = store.repositories;
  const redis = createRedis(config.redis.url, "request");
  redis.on("error", () => {});
  const storage = await createStorage(config.storage);
  const queue = createJobQueue(redis, config.queue.prefix, config.operators.jobRetention);
  const rateLimitRedis = createRedis(config.redis.url, "request", { commandTimeoutMs: config.operators.rateLimit.redisTimeoutMs });
  rateLimitRedis.on("error", () => {});
  // The limiter fails open until its client has connected (no offline queue): a test that counts
  // must not race that (the store answers in microseconds now, so the first request comes early).
  if (rateLimitRedis.status !== "ready") await once(rateLimitRedis, "ready", { signal: AbortSignal.timeout(10_000) }).catch(() => {});
  const jwks = await loadJwks(config.api.oauth);
  const app = await createApp(
    {
      config,
      store: faults.repositories ? { ...store, repositories: faults.repositories(repositories) } : store,
      redis,
      rateLimitRedis,
      storage: faults.storage ? faults.storage(storage) : storage,
      queue,
      jwks,
      events: { onAdmission: observers.onAdmission },
    },
    serverOptions(observers.logLines ? { level: "info", stream: { write: (line: string) => observers.logLines?.push(JSON.parse(line)) } } : false),
  );
  await app.listen({ host: config.api.host, port });

  let closed = false;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    names,
    repositories,
    storage,
    queue,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await cleanUpTestData(services, names);
    },
  };
}

/** Every key this test's storage holds (under its own key prefix). */
export async function listStoredKeys(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list("")) keys.push(object.key);
  return keys.sort();
}
