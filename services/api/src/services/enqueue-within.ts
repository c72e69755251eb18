import type { JobName, JobPayloads, JobQueue } from "@ingest/shared";
import type { FastifyBaseLogger } from "fastify";

/**
 * Enqueues without ever making the caller wait long: the ledger in the store already records the
 * intent, and reconciliation enqueues again whatever did not make it. Resolves whether the job
 * was accepted within `timeoutMs`; never throws.
 */
export async function enqueueWithin<N extends JobName>(
  queue: JobQueue,
  name: N,
  payload: JobPayloads[N],
  options: { readonly timeoutMs: number; readonly log: FastifyBaseLogger },
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const added = queue.enqueue(name, payload).then(
    () => true,
    (error: unknown) => {
      options.log.warn({ err: error, job: name, payload: payload as object }, "enqueue failed; reconciliation will retry it");
      return false;
    },
  );
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      options.log.warn({ job: name, payload: payload as object }, "enqueue timed out; reconciliation will retry it");
      resolve(false);
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([added, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
