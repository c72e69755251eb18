import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "../redis/redis-client.ts";
import { JOB_PARSERS, type JobHandlers, type JobName, type JobPayloads, jobIdFor, PermanentJobError, QUEUE_NAME } from "./jobs.ts";

/** The only module that imports BullMQ. */

/** Retries for transient failures: exponential backoff with jitter, spread over ~15 minutes. */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: "exponential", delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  // Failed jobs stay inspectable (and replayable) for a week.
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface JobCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

export interface JobQueue {
  /**
   * Adds a job; a job with the same id that is still waiting or running absorbs it. With
   * `replaceFinished`, a finished job of the same id is removed first so the work runs again.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: { replaceFinished?: boolean }): Promise<void>;
  /** Whether the job for this work is waiting, delayed or running. */
  isLive<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<boolean>;
  counts(): Promise<JobCounts>;
  scheduleEvery(name: "reconcile", everyMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createJobQueue(connection: Redis, prefix: string): JobQueue {
  const queue = new Queue(QUEUE_NAME, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  // Errors also surface on the calls that hit them; this keeps an idle outage from being "unhandled".
  queue.on("error", () => {});

  return {
    async enqueue(name, payload, options = {}) {
      const jobId = jobIdFor(name, payload);
      if (jobId && options.replaceFinished) {
        const existing = await queue.getJob(jobId);
        const state = existing ? await existing.getState() : null;
        if (existing && (state === "completed" || state === "failed")) await existing.remove();
      }
      await queue.add(name, payload, jobId ? { jobId } : {});
    },

    async isLive(name, payload) {
      const jobId = jobIdFor(name, payload);
      if (!jobId) return false;
      const job = await queue.getJob(jobId);
      if (!job) return false;
      const state = await job.getState();
      return ["waiting", "active", "delayed", "prioritized", "waiting-children"].includes(state);
    },

    async counts() {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
    },

    async scheduleEvery(name, everyMs) {
      await queue.upsertJobScheduler(`${name}-every`, { every: everyMs }, { name, data: {} });
    },

    close: () => queue.close(),
  };
}

export interface JobWorkerOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly handlers: JobHandlers;
  readonly concurrency: number;
  /** BullMQ `lockDuration`: how long an active job's lock lasts between renewals. Default 30 s. */
  readonly lockDurationMs?: number;
  /** BullMQ `stalledInterval`: how often jobs whose lock lapsed are taken back. Default 30 s. */
  readonly stalledIntervalMs?: number;
  readonly onFailed?: (name: string, jobId: string | undefined, error: Error, willRetry: boolean) => void;
}

export interface JobWorker {
  /** Stops taking jobs and waits for active ones; after `timeoutMs` hands them back to the queue. */
  close(timeoutMs: number): Promise<void>;
  isRunning(): boolean;
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const names = Object.keys(options.handlers);
  for (const name of Object.keys(JOB_PARSERS)) {
    if (!names.includes(name)) throw new Error(`no handler for job "${name}"`);
  }

  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const name = job.name as JobName;
      const parse = JOB_PARSERS[name];
      if (!parse) throw new UnrecoverableError(`unknown job name "${job.name}"`);
      try {
        const handler = options.handlers[name] as (payload: unknown) => Promise<unknown>;
        return await handler(parse(job.data));
      } catch (error) {
        if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: true,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    },
  );
  worker.on("error", () => {});
  worker.on("failed", (job, error) => {
    if (!job) return;
    const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    options.onFailed?.(job.name, job.id, error, willRetry);
  });

  return {
    async close(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const graceful = worker.close();
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([graceful.then(() => "closed" as const), timedOut]);
      clearTimeout(timer);
      // Force: the active jobs' locks lapse and another worker takes them up as stalled.
      if (outcome === "timeout") await worker.close(true);
    },
    isRunning: () => worker.isRunning(),
  };
}
