import { type JobName, QUEUE_OF_JOB, QUEUE_STATES, type QueueStats } from "@ingest/shared";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ProcessImageResult } from "../jobs/process-image.handler.ts";

/**
 * Every Prometheus metric the worker exports, defined in this one module (infra/grafana's
 * dashboard is built on these names, and a test holds it to them). Served on the health port.
 */
export const WORKER_METRIC_NAMES = {
  jobs: "ingest_worker_jobs_total",
  jobDuration: "ingest_worker_job_duration_seconds",
  images: "ingest_worker_images_total",
  derivativeBytes: "ingest_worker_derivative_bytes_total",
  reconcileActions: "ingest_worker_reconcile_actions_total",
  queueJobs: "ingest_worker_queue_jobs",
  oldestWaiting: "ingest_worker_queue_oldest_waiting_seconds",
  pipeline: "ingest_pipeline_seconds",
} as const;

export const WORKER_PROCESS_PREFIX = "ingest_worker_";

export type JobOutcome = "completed" | "failed";

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Records one finished run of a job handler (the result when it completed). */
  observeJob(name: JobName, outcome: JobOutcome, seconds: number, result: unknown): void;
}

export function createWorkerMetrics(options: { readonly queueStats: () => Promise<QueueStats[]> }): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: WORKER_PROCESS_PREFIX });
  const registers = [registry];

  const jobs = new Counter({
    name: WORKER_METRIC_NAMES.jobs,
    help: "Job handler runs by queue, job name and outcome (failed includes runs BullMQ retries).",
    labelNames: ["queue", "name", "outcome"],
    registers,
  });
  const jobDuration = new Histogram({
    name: WORKER_METRIC_NAMES.jobDuration,
    help: "Time a job handler ran, by queue, job name and outcome.",
    labelNames: ["queue", "name", "outcome"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers,
  });
  const images = new Counter({
    name: WORKER_METRIC_NAMES.images,
    help: "Images that reached a verdict: outcome ready or rejected, with the rejection reason ('none' when ready), by format.",
    labelNames: ["outcome", "reason", "format"],
    registers,
  });
  const derivativeBytes = new Counter({
    name: WORKER_METRIC_NAMES.derivativeBytes,
    help: "Bytes of derivatives written to storage, by derivative format.",
    labelNames: ["format"],
    registers,
  });
  const reconcileActions = new Counter({
    name: WORKER_METRIC_NAMES.reconcileActions,
    help: "Reconciliation actions taken, by kind (requeue, promote, discard-staged, delete-removed, retire-unreferenced).",
    labelNames: ["kind"],
    registers,
  });
  const pipeline = new Histogram({
    name: WORKER_METRIC_NAMES.pipeline,
    help: "The pipeline SLO: time from the upload (its 201) to the image's verdict, ready or rejected, by original format.",
    labelNames: ["format", "outcome"],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 900],
    registers,
  });
  // Both queue gauges read the same stats: one Redis round per queue and scrape. prom-client
  // collects every metric at once, so the second collect() joins the first one's request.
  let pending: Promise<QueueStats[] | null> | null = null;
  const statsOfThisScrape = () => {
    pending ??= options
      .queueStats()
      .catch(() => null) // Redis away: the gauges are absent, not stale
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  new Gauge({
    name: WORKER_METRIC_NAMES.queueJobs,
    help: "Jobs in each queue by state, as BullMQ counts them (read at scrape time).",
    labelNames: ["queue", "state"],
    registers,
    async collect() {
      this.reset();
      for (const { queue, counts } of (await statsOfThisScrape()) ?? []) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
      }
    },
  });
  new Gauge({
    name: WORKER_METRIC_NAMES.oldestWaiting,
    help: "Age of the job that has waited longest in each queue (0 when none waits).",
    labelNames: ["queue"],
    registers,
    async collect() {
      this.reset();
      const now = Date.now();
      for (const { queue, oldestWaitingAt } of (await statsOfThisScrape()) ?? []) {
        this.set({ queue }, oldestWaitingAt === null ? 0 : Math.max(0, (now - oldestWaitingAt) / 1000));
      }
    },
  });

  return {
    registry,
    observeJob(name, outcome, seconds, result) {
      const labels = { queue: QUEUE_OF_JOB[name], name, outcome };
      jobs.inc(labels);
      jobDuration.observe(labels, seconds);
      if (outcome !== "completed") return;
      if (name === "process-image") observeImage(result as ProcessImageResult);
      if (name === "reconcile") {
        for (const [kind, count] of Object.entries((result as { actions?: Record<string, number> }).actions ?? {})) reconcileActions.inc({ kind }, count);
      }
    },
  };

  function observeImage(result: ProcessImageResult): void {
    if (result.outcome !== "ready" && result.outcome !== "rejected") return;
    const reason = result.outcome === "rejected" ? result.reason : "none";
    images.inc({ outcome: result.outcome, reason, format: result.format });
    pipeline.observe({ format: result.format, outcome: result.outcome }, result.sinceUploadMs / 1000);
    if (result.outcome === "ready") for (const [format, bytes] of Object.entries(result.derivativeBytes)) derivativeBytes.inc({ format }, bytes);
  }
}
