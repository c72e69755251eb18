import {
  checkDependencies,
  createJobQueue,
  createLoggerOptions,
  createQueueInspector,
  createRedis,
  createStorage,
  loadConfig,
  pingRedis,
  startJobWorker,
  startTracing,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import { pino } from "pino";
import { startHealthServer } from "./health/health.server.ts";
import { createWorkerMetrics } from "./infrastructure/metrics.ts";
import { configureSharp, createImageCodec } from "./images/image.codec.ts";
import { createJobHandlers } from "./jobs/job-handlers.ts";
import { keepTrying } from "./keep-trying.ts";
import { createRedisAuditCursor } from "./reconcile/audit-cursor.ts";
import { whenRedisReady } from "./redis-ready.ts";
import { webhookBackoff } from "./webhooks/webhook-settings.ts";
import { workerSettingsFrom } from "./worker-settings.ts";

/**
 * The worker process, composed in dependency order. Nothing connects at import time; every
 * resource opened here is closed by `stop`.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(createLoggerOptions("worker", config.logLevel));
  configureSharp({ concurrency: config.worker.sharpConcurrency });

  // Off by default: then nothing of OpenTelemetry is even imported.
  const tracing = await startTracing(config.operators.tracing, "image-ingest-worker");
  const store = await openStore(config.store);
  const { repositories } = store;

  // BullMQ's worker blocks on its connection and must wait out outages; queue calls must not hang.
  const blockingRedis = createRedis(config.redis.url, "blocking");
  const requestRedis = createRedis(config.redis.url, "request");
  for (const redis of [blockingRedis, requestRedis]) redis.on("error", () => {}); // readiness reports outages
  const storage = await createStorage(config.storage);
  const queue = createJobQueue(requestRedis, config.queue.prefix, config.operators.jobRetention, tracing?.queueTelemetry);
  const inspector = createQueueInspector(requestRedis, config.queue.prefix);
  const metrics = createWorkerMetrics({ queueStats: () => inspector.stats() });

  const handlers = createJobHandlers({
    ...repositories,
    storage,
    queue,
    codec: createImageCodec({ maxPixels: config.worker.maxPixels }),
    auditCursor: createRedisAuditCursor(requestRedis, config.queue.prefix),
    settings: workerSettingsFrom(config),
    log,
  }, metrics.observeJob);
  const worker = startJobWorker({
    connection: blockingRedis,
    prefix: config.queue.prefix,
    handlers,
    concurrency: config.worker.concurrency,
    webhookBackoff: webhookBackoff(config.callers.webhooks),
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    ...(tracing ? { telemetry: tracing.queueTelemetry } : {}),
    onFailed: (job, jobId, error, willRetry) => log.warn({ job, jobId, willRetry, err: error }, "job failed"),
  });

  // Redis may be away at start; the schedule is set as soon as it answers, without blocking jobs.
  const scheduling = keepTrying(
    async () => {
      await whenRedisReady(requestRedis, 5_000);
      await queue.scheduleEvery("reconcile", config.worker.reconcileIntervalMs);
      await queue.scheduleEvery("audit", config.worker.auditIntervalMs);
    },
    (error) => log.warn({ err: error }, "could not schedule reconciliation and the audit yet; retrying"),
  );

  let stopping = false;
  const health = await startHealthServer({
    host: config.api.host,
    port: config.worker.healthPort,
    isStopping: () => stopping,
    onNotReady: (report) => log.warn({ dependencies: report.dependencies }, "not ready"),
    metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics(), tokenSha256: config.operators.metricsTokenSha256 },
    readiness: () =>
      checkDependencies({
        database: () => store.ping(),
        redis: () => pingRedis(requestRedis),
        storage: () => storage.ping(),
      }),
  });
  log.info(
    {
      healthPort: health.port,
      concurrency: config.worker.concurrency,
      sharpConcurrency: config.worker.sharpConcurrency,
      queuePrefix: config.queue.prefix,
      // Set by the launcher (services/worker/README.md): what ops check first when RSS climbs.
      allocator: process.env.LD_PRELOAD?.includes("jemalloc") ? "jemalloc" : "glibc",
    },
    "worker started",
  );

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now; active jobs return to the queue when their locks lapse");
      process.exit(130);
    }
    stopping = true;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, "stopping: no new jobs, finishing active ones");
    // The last resort if a close hangs: exit anyway, a little after the promised timeout.
    setTimeout(() => {
      log.error("shutdown overran its timeout; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
    try {
      // Active jobs finish within the timeout or are handed back; no derivative is referenced
      // before all of an image's outputs are written, so an interrupted job leaves nothing visible.
      await worker.close(config.shutdownTimeoutMs);
      scheduling.cancel();
      await queue.close();
      await inspector.close();
      await health.close();
      await Promise.allSettled([blockingRedis.quit(), requestRedis.quit()]);
      await store.close();
      storage.close();
      await tracing?.shutdown();
      log.info("stopped");
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      process.exitCode = 1;
    }
    // A job still running past the timeout was handed back (its lock lapses and another worker
    // retakes it); its handler must not go on writing from here, so end the process now.
    log.flush();
    process.exit();
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  // The logger may not exist yet (a bad config); stderr always does.
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
