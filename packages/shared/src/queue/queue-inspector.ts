import { Queue } from "bullmq";
import type { Redis } from "../redis/redis-client.ts";
import { QUEUE_NAMES, type QueueName } from "./jobs.ts";

/**
 * The operator's view of the queues (`pnpm cli queues`, the dashboard, the metrics): counts, the
 * oldest waiting job, failed jobs with their reasons, and retrying or dropping them. Read and repair only; enqueueing stays
 * in bullmq.queue.ts. BullMQ is imported here too, as the queue module's second adapter file.
 */

/** Every queue the services use; the inspector looks at all of them. */
export const INSPECTED_QUEUES: readonly string[] = QUEUE_NAMES;

export const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** BullMQ's own Queue, as the dashboard adapter (bull-board) wants it. */
export type InspectedQueue = Queue;

/** What the worker's metrics read at scrape time. */
export const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueStats {
  readonly queue: QueueName;
  readonly counts: Readonly<Record<QueueState, number>>;
  /** When the job that has waited longest was added (ms since epoch); null when none waits. */
  readonly oldestWaitingAt: number | null;
}

export interface QueueJobSummary {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly createdAt: Date;
  readonly attemptsMade: number;
  /** Why the last attempt failed; null for a job that has not failed. */
  readonly failedReason: string | null;
  readonly finishedAt: Date | null;
}

export interface QueueOverview {
  readonly queue: string;
  readonly counts: Readonly<Record<JobState, number>>;
  readonly oldestWaiting: QueueJobSummary | null;
  /** Workers connected to this queue now (BullMQ names its connections). */
  readonly workers: number;
}

export interface QueueInspector {
  /** BullMQ's Queue objects of every queue, for the dashboard. */
  readonly queues: readonly InspectedQueue[];
  /** Counts by state and the oldest waiting job's age, per queue (metrics). */
  stats(): Promise<QueueStats[]>;
  overview(): Promise<QueueOverview[]>;
  /** Failed jobs, most recent first, at most `limit` per queue. */
  failed(limit: number): Promise<QueueJobSummary[]>;
  /** Moves failed jobs back to waiting; `ids` null means every failed job. Returns the ids retried. */
  retryFailed(ids: readonly string[] | null): Promise<string[]>;
  /** Deletes failed jobs; `ids` null means every failed job. Returns the ids dropped. */
  dropFailed(ids: readonly string[] | null): Promise<string[]>;
  close(): Promise<void>;
}

/** Failed jobs read per pass of `retry --all` / `drop --all`, and the most passes (a bound on one call). */
const BATCH = 500;
const MAX_PASSES = 200;

export function createQueueInspector(connection: Redis, prefix: string, names: readonly string[] = INSPECTED_QUEUES): QueueInspector {
  const queues = names.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on("error", () => {});
    return queue;
  });

  const summarize = (queue: Queue, job: Awaited<ReturnType<Queue["getJob"]>>): QueueJobSummary | null =>
    job?.id
      ? {
          queue: queue.name,
          id: job.id,
          name: job.name,
          data: job.data,
          createdAt: new Date(job.timestamp),
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason || null,
          finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        }
      : null;

  async function failedIds(queue: Queue): Promise<string[]> {
    const jobs = await queue.getFailed(0, BATCH - 1);
    return jobs.flatMap((job) => (job?.id ? [job.id] : []));
  }

  async function actOn(queue: Queue, ids: readonly string[], act: (queue: Queue, id: string) => Promise<boolean>): Promise<string[]> {
    const done: string[] = [];
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (!job || (await job.getState()) !== "failed") continue;
      if (await act(queue, id)) done.push(id);
    }
    return done;
  }

  /** Given ids, or every failed job: batch after batch (each one leaves the failed set), boundedly. */
  async function eachFailed(ids: readonly string[] | null, act: (queue: Queue, id: string) => Promise<boolean>): Promise<string[]> {
    const done: string[] = [];
    for (const queue of queues) {
      if (ids) {
        done.push(...(await actOn(queue, ids, act)));
        continue;
      }
      // Each job once: a retried job that fails again meanwhile is not retried a second time.
      const seen = new Set<string>();
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const fresh = (await failedIds(queue)).filter((id) => !seen.has(id));
        for (const id of fresh) seen.add(id);
        const handled = await actOn(queue, fresh, act);
        done.push(...handled);
        if (handled.length === 0) break;
      }
    }
    return done;
  }

  return {
    queues,

    async stats() {
      return Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          // getWaiting(0, 0) is the head of the wait list: the next job a worker takes, the oldest.
          const [oldest] = await queue.getWaiting(0, 0);
          return {
            queue: queue.name as QueueName,
            counts: Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0])) as Record<QueueState, number>,
            oldestWaitingAt: oldest ? oldest.timestamp : null,
          };
        }),
      );
    },

    async overview() {
      return Promise.all(
        queues.map(async (queue) => {
          const raw = await queue.getJobCounts(...JOB_STATES);
          const counts = Object.fromEntries(JOB_STATES.map((state) => [state, raw[state] ?? 0])) as Record<JobState, number>;
          // The wait list is pushed on the left: ascending order puts the oldest first.
          const [oldest] = await queue.getJobs(["waiting"], 0, 0, true);
          return { queue: queue.name, counts, oldestWaiting: summarize(queue, oldest), workers: await queue.getWorkersCount() };
        }),
      );
    },

    async failed(limit) {
      const perQueue = await Promise.all(
        queues.map(async (queue) => (await queue.getFailed(0, limit - 1)).map((job) => summarize(queue, job)).filter((job) => job !== null)),
      );
      return perQueue.flat();
    },

    retryFailed(ids) {
      return eachFailed(ids, async (queue, id) => {
        await (await queue.getJob(id))?.retry("failed");
        return true;
      });
    },

    dropFailed(ids) {
      return eachFailed(ids, async (queue, id) => (await queue.remove(id)) === 1);
    },

    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
