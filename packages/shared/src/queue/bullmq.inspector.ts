import { Queue } from "bullmq";
import type { Redis } from "../redis/redis-client.ts";
import { QUEUE_NAMES, type QueueName } from "./jobs.ts";

/**
 * Operators' handles on every queue (QUEUE_NAMES): counts for metrics, and BullMQ's own Queue
 * objects for the dashboard (bull-board adapts them directly). The second module importing
 * BullMQ, kept apart from the job queue so enqueuing code never sees these powers.
 */

/** BullMQ's own Queue, as the dashboard adapter wants it. */
export type InspectedQueue = Queue;

export const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueStats {
  readonly queue: QueueName;
  readonly counts: Readonly<Record<QueueState, number>>;
  /** When the job that has waited longest was added (ms since epoch); null when none waits. */
  readonly oldestWaitingAt: number | null;
}

export interface QueueInspector {
  readonly queues: readonly InspectedQueue[];
  stats(): Promise<QueueStats[]>;
  close(): Promise<void>;
}

export function createQueueInspector(connection: Redis, prefix: string): QueueInspector {
  const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection, prefix }));
  for (const queue of queues) queue.on("error", () => {}); // surfaced by the calls that hit it

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
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
