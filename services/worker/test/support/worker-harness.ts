import { createHash, randomBytes } from "node:crypto";
import { cleanUpTestData, defaultTestStore, type TestNames, type TestStore, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import {
  CONTENT_TYPE_BY_FORMAT,
  type Config,
  createJobQueue,
  createRedis,
  createStorage,
  type ImageFormat,
  type ImageRecord,
  type JobQueue,
  type JobWorker,
  originalKey,
  type Product,
  parseConfig,
  publicUrl,
  type Redis,
  type Repositories,
  type Storage,
  startJobWorker,
  type Store,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import { configureSharp, createImageCodec } from "../../src/images/image.codec.ts";
import { createJobHandlers, type WorkerDeps } from "../../src/jobs/job-handlers.ts";
import { createMemoryAuditCursor } from "../../src/reconcile/audit-cursor.ts";
import { whenRedisReady } from "../../src/redis-ready.ts";
import type { WorkerLog } from "../../src/worker-log.ts";
import { webhookBackoff } from "../../src/webhooks/webhook-settings.ts";
import { workerSettingsFrom } from "../../src/worker-settings.ts";

export const COMPANY = "acme";

/** Collects log lines instead of printing them, for assertions and quiet test output. */
export function memoryLog(): WorkerLog & { lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

export interface Harness {
  readonly names: TestNames;
  /** The environment a worker process for this test runs with. */
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly store: Store;
  readonly repositories: Repositories;
  readonly storage: Storage;
  readonly redis: Redis;
  readonly queue: JobQueue;
  readonly deps: WorkerDeps;
  readonly log: ReturnType<typeof memoryLog>;
  createProduct(images?: Product["images"]): Promise<Product>;
  /**
   * Does what the API does for an upload, stopping where asked: ledger entry, bytes, append to
   * the product, `processing`. `stopAfter` simulates a crash (or Redis being away: no job is
   * ever enqueued here).
   */
  stageUpload(product: Product, bytes: Buffer, format: ImageFormat, stopAfter?: "staged" | "stored" | "appended" | "processing"): Promise<ImageRecord>;
  /** Every stored key under this image's original and derivative folder. */
  objectsOf(image: Pick<ImageRecord, "key">): Promise<string[]>;
  allObjects(): Promise<string[]>;
  /** A BullMQ worker in this process with the real handlers. */
  startWorker(options?: { concurrency?: number }): JobWorker;
  close(): Promise<void>;
}

/**
 * One test's world: its own database, queue prefix and key prefix on the shared real servers,
 * and the worker's dependencies wired as main.ts wires them (configuration from an env map,
 * never from process.env).
 */
export async function createHarness(label: string, overrides: Record<string, string> = {}, storeKind: TestStore = defaultTestStore()): Promise<Harness> {
  const services = testServices();
  const names = uniqueTestNames(label);
  const env = { ...testServiceEnv(services, names, storeKind), LOG_LEVEL: "warn", ...overrides };
  const config = parseConfig(env);
  configureSharp({ concurrency: 1 });

  const store = await openStore(config.store);
  const { repositories } = store;
  const storage = await createStorage(config.storage);
  const redis = createRedis(config.redis.url, "request");
  redis.on("error", () => {});
  await whenRedisReady(redis, 10_000);
  const queue = createJobQueue(redis, config.queue.prefix);
  const log = memoryLog();
  const deps: WorkerDeps = {
    ...repositories,
    storage,
    queue,
    codec: createImageCodec({ maxPixels: config.worker.maxPixels }),
    auditCursor: createMemoryAuditCursor(),
    settings: workerSettingsFrom(config),
    log,
  };
  const workers: JobWorker[] = [];
  const blocking: Redis[] = [];

  const harness: Harness = {
    names,
    env,
    config,
    store,
    repositories,
    storage,
    redis,
    queue,
    deps,
    log,

    createProduct(images = []) {
      return repositories.products.create(COMPANY, { name: "Chair", sku: null, images });
    },

    async stageUpload(product, bytes, format, stopAfter = "processing") {
      const id = randomBytes(12).toString("hex");
      const key = originalKey(product.companyId, product.id, id, format);
      const url = publicUrl(config.publicBaseUrl, key);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const record = await repositories.images.insertStaged({
        id,
        companyId: product.companyId,
        productId: product.id,
        key,
        url,
        format,
        contentType: CONTENT_TYPE_BY_FORMAT[format],
        bytes: bytes.length,
        sha256,
      });
      if (stopAfter === "staged") return record;
      await storage.put(key, bytes, { contentType: CONTENT_TYPE_BY_FORMAT[format] });
      if (stopAfter === "stored") return record;
      await repositories.products.change(product.companyId, product.id, (current) => ({
        change: { kind: "update", fields: { name: current.name, sku: current.sku, images: [...current.images, { url, imageId: id }] } },
        result: null,
      }));
      if (stopAfter === "appended") return record;
      await repositories.images.transition(id, ["staged"], "processing");
      return (await repositories.images.find(id))!;
    },

    async objectsOf(image) {
      const base = image.key.slice(0, image.key.lastIndexOf("."));
      const keys: string[] = [];
      for await (const object of storage.list(base)) keys.push(object.key);
      return keys.sort();
    },

    async allObjects() {
      const keys: string[] = [];
      for await (const object of storage.list("")) keys.push(object.key);
      return keys.sort();
    },

    startWorker(options = {}) {
      const connection = createRedis(config.redis.url, "blocking");
      connection.on("error", () => {});
      blocking.push(connection);
      const worker = startJobWorker({
        connection,
        prefix: config.queue.prefix,
        handlers: createJobHandlers(deps),
        concurrency: options.concurrency ?? 2,
        webhookBackoff: webhookBackoff(config.callers.webhooks),
      });
      workers.push(worker);
      return worker;
    },

    async close() {
      // Bounded steps: a test that failed mid-way (say, with Redis stopped) must still clean up.
      await within(Promise.allSettled(workers.map((worker) => worker.close(5_000))), 10_000);
      for (const connection of blocking) connection.disconnect();
      await within(queue.close(), 5_000);
      redis.disconnect();
      storage.close();
      await within(store.close(), 5_000);
      await cleanUpTestData(services, names);
    },
  };
  return harness;
}

function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 60_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
