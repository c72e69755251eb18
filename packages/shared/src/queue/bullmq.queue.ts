import { type Job, type JobsOptions, Queue, UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Redis } from "../redis/redis-client.ts";
import type { QueueTelemetry } from "../tracing/start-tracing.ts";
import { JOB_PARSERS, type JobHandlers, type JobName, type JobPayloads, jobIdFor, PermanentJobError, QUEUE_NAMES, QUEUE_OF_JOB, type QueueName } from "./jobs.ts";

/** The job queue and worker: with bullmq.inspector.ts (the operators' read), the only modules that import BullMQ. */

/**
 * How long finished jobs stay in Redis (config JOBS_KEEP_*): bounded, so Redis does not grow
 * for ever, and long enough to inspect and replay. Default: the last 1,000 completed jobs for
 * a day; failed jobs for a week.
 */
export interface JobRetention {
  readonly completedCount: number;
  readonly completedAgeSeconds: number;
  readonly failedAgeSeconds: number;
}

export const DEFAULT_JOB_RETENTION: JobRetention = { completedCount: 1_000, completedAgeSeconds: 86_400, failedAgeSeconds: 7 * 86_400 };

/** Retries for transient failures: exponential backoff with jitter, spread over ~15 minutes. */
function defaultJobOptions(retention: JobRetention): JobsOptions {
  return {
    attempts: 10,
    backoff: { type: "exponential", delay: 1_000, jitter: 0.5 },
    removeOnComplete: { age: retention.completedAgeSeconds, count: retention.completedCount },
    removeOnFail: { age: retention.failedAgeSeconds },
  };
}

/**
 * A delivery retries until its event is older than the retry window (the handler then gives up
 * and disables the endpoint); the delays come from the worker's `webhookBackoff`, so its
 * configuration decides them. The attempt count is only a backstop.
 */
const WEBHOOK_JOB_OPTIONS: JobsOptions = { attempts: 1_000, backoff: { type: "webhook" } };

export interface JobCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

export type SchedulableJob = "reconcile" | "audit";

export interface JobQueue {
  /**
   * Adds a job; a job with the same id that is still waiting or running absorbs it. With
   * `replaceFinished`, a finished job of the same id is removed first so the work runs again.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: { replaceFinished?: boolean }): Promise<void>;
  /** Whether the job for this work is waiting, delayed or running. */
  isLive<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<boolean>;
  /** Job counts of one queue (default: images). */
  counts(queue?: QueueName): Promise<JobCounts>;
  /** A repeatable job on the maintenance queue, which runs one job at a time across all workers. */
  scheduleEvery(name: SchedulableJob, everyMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createJobQueue(connection: Redis, prefix: string, retention: JobRetention = DEFAULT_JOB_RETENTION, telemetry?: QueueTelemetry): JobQueue {
  const queues = new Map<QueueName, Queue>();
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: defaultJobOptions(retention), ...(telemetry ? { telemetry } : {}) });
    // Errors also surface on the calls that hit them; this keeps an idle outage from being "unhandled".
    queue.on("error", () => {});
    queues.set(name, queue);
  }
  const queueOf = (name: JobName): Queue => queues.get(QUEUE_OF_JOB[name])!;

  return {
    async enqueue(name, payload, options = {}) {
      const queue = queueOf(name);
      const jobId = jobIdFor(name, payload);
      if (jobId && options.replaceFinished) {
        const existing = await queue.getJob(jobId);
        const state = existing ? await existing.getState() : null;
        if (existing && (state === "completed" || state === "failed")) await existing.remove();
      }
      await queue.add(name, payload, { ...(jobId ? { jobId } : {}), ...(name === "deliver-webhook" ? WEBHOOK_JOB_OPTIONS : {}) });
    },

    async isLive(name, payload) {
      const jobId = jobIdFor(name, payload);
      if (!jobId) return false;
      const job = await queueOf(name).getJob(jobId);
      if (!job) return false;
      const state = await job.getState();
      return ["waiting", "active", "delayed", "prioritized", "waiting-children"].includes(state);
    },

    async counts(name = "images") {
      const counts = await queues.get(name)!.getJobCounts("waiting", "active", "delayed", "failed", "completed");
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
    },

    async scheduleEvery(name, everyMs) {
      const queue = queueOf(name);
      // One maintenance job at a time across every worker process: passes never overlap.
      await queue.setGlobalConcurrency(1);
      // A pass that outlives its interval is not piled up behind: its result is kept briefly only.
      await queue.upsertJobScheduler(`${name}-every`, { every: everyMs }, { name, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
    },

    close: async () => {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

const HAND_BACK = Symbol("hand back");

function handedBack(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(HAND_BACK);
    else signal.addEventListener("abort", () => reject(HAND_BACK), { once: true });
  });
}

export interface JobWorkerOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly handlers: JobHandlers;
  /** Jobs at once per process on the images queue; maintenance always takes one at a time. */
  readonly concurrency: number;
  /** BullMQ `lockDuration`: how long an active job's lock lasts between renewals. Default 30 s. */
  readonly lockDurationMs?: number;
  /** BullMQ `stalledInterval`: how often jobs whose lock lapsed are taken back. Default 30 s. */
  readonly stalledIntervalMs?: number;
  /** Which queues this process works on. Default: all of them. */
  readonly queues?: readonly QueueName[];
  readonly onFailed?: (name: string, jobId: string | undefined, error: Error, willRetry: boolean) => void;
  /** bullmq-otel, when tracing is on: each job's span continues the trace that enqueued it. */
  readonly telemetry?: QueueTelemetry;
  /** The delay before a webhook delivery's next attempt, given the attempts made. Default: 1 s doubling, at most an hour. */
  readonly webhookBackoff?: (attemptsMade: number) => number;
}

export interface JobWorker {
  /**
   * Stops taking jobs and waits for active ones; after `timeoutMs` hands them back to the queue
   * (moved to waiting at once). A handed-back handler is abandoned, not stopped: its process
   * should exit soon after.
   */
  close(timeoutMs: number): Promise<void>;
  isRunning(): boolean;
}

/** One BullMQ worker per queue: image lanes are never taken by maintenance work. */
export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const names = Object.keys(options.handlers);
  for (const name of Object.keys(JOB_PARSERS)) {
    if (!names.includes(name)) throw new Error(`no handler for job "${name}"`);
  }
  const workers = (options.queues ?? QUEUE_NAMES).map((queue) => startQueueWorker(queue, options));
  return {
    async close(timeoutMs) {
      await Promise.all(workers.map((worker) => closeWorker(worker, timeoutMs)));
    },
    isRunning: () => workers.some((worker) => worker.isRunning()),
  };
}

function startQueueWorker(queueName: QueueName, options: JobWorkerOptions): Worker {
  const worker = new Worker(
    queueName,
    // Three parameters: BullMQ passes the abort signal that close() uses to hand jobs back.
    async (job: Job, token?: string, signal?: AbortSignal) => {
      const name = job.name as JobName;
      const parse = JOB_PARSERS[name];
      if (!parse || QUEUE_OF_JOB[name] !== queueName) throw new UnrecoverableError(`unknown job name "${job.name}" on queue "${queueName}"`);
      const handler = options.handlers[name] as (payload: unknown, context: { attempt: number }) => Promise<unknown>;
      let running: Promise<unknown> | undefined;
      try {
        running = handler(parse(job.data), { attempt: job.attemptsMade + 1 });
        return await (signal ? Promise.race([running, handedBack(signal)]) : running);
      } catch (error) {
        if (error === HAND_BACK && token) {
          // Shutdown ran out of time: the job goes back to waiting now, attempt not spent,
          // rather than after its lock lapses. Handlers are idempotent, so a rerun is safe.
          running?.catch(() => {});
          await job.moveToWait(token);
          throw new WaitingError();
        }
        if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: queueName === "maintenance" ? 1 : options.concurrency,
      autorun: true,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      settings: { backoffStrategy: (attemptsMade: number) => (options.webhookBackoff ?? defaultWebhookBackoff)(attemptsMade) },
    },
  );
  worker.on("error", () => {});
  worker.on("failed", (job, error) => {
    if (!job) return;
    const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    options.onFailed?.(job.name, job.id, error, willRetry);
  });
  return worker;
}

function defaultWebhookBackoff(attemptsMade: number): number {
  return Math.min(3_600_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
}

async function closeWorker(worker: Worker, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close();
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const outcome = await Promise.race([graceful.then(() => "closed" as const), timedOut]);
  clearTimeout(timer);
  // Out of time: every active job is moved back to waiting (see the processor), which lets
  // the graceful close finish. (worker.close(true) after close() would only await it again.)
  if (outcome === "timeout") {
    worker.cancelAllJobs("shutdown timeout");
    await graceful;
  }
}
