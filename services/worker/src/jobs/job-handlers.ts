import type { JobHandlers, JobName } from "@ingest/shared";
import type { ReconcileDeps } from "../reconcile/reconcile-ledger.ts";
import type { WorkerLog } from "../worker-log.ts";
import { type AuditJobDeps, audit } from "./audit.handler.ts";
import { type DeleteImageDeps, deleteImage } from "./delete-image.handler.ts";
import { type DeliverWebhookDeps, deliverWebhook } from "./deliver-webhook.handler.ts";
import { type ProcessImageDeps, processImage } from "./process-image.handler.ts";
import { reconcile } from "./reconcile.handler.ts";

/** Everything the handlers need between them; each handler takes only its own slice. */
export type WorkerDeps = ProcessImageDeps & DeleteImageDeps & ReconcileDeps & AuditJobDeps & DeliverWebhookDeps & { readonly log: WorkerLog };

/** Told of every handler run: how it ended, how long it took, and its result when it completed. */
export type JobObserver = (name: JobName, outcome: "completed" | "failed", seconds: number, result: unknown) => void;

/** One handler per job name (startJobWorker refuses to start with one missing), each timed, logged and observed (metrics). */
export function createJobHandlers(deps: WorkerDeps, observe: JobObserver = () => {}): JobHandlers {
  const timed = async <T>(job: JobName, payload: object, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result: T;
    try {
      result = await run();
    } catch (error) {
      observe(job, "failed", seconds(), undefined);
      throw error;
    }
    observe(job, "completed", seconds(), result);
    deps.log.info({ job, ...payload, result, ms: Math.round(seconds() * 1000) }, "job done");
    return result;
  };
  return {
    "process-image": (payload) => timed("process-image", payload, () => processImage(payload, deps)),
    "delete-image": (payload) => timed("delete-image", payload, () => deleteImage(payload, deps)),
    reconcile: (payload) => timed("reconcile", payload, () => reconcile(payload, deps)),
    audit: (payload) => timed("audit", payload, () => audit(payload, deps)),
    "deliver-webhook": (payload, context) => timed("deliver-webhook", payload, () => deliverWebhook(payload, deps, context?.attempt)),
  };
}
