import type { JobHandlers } from "@ingest/shared";
import type { ReconcileDeps } from "../reconcile/reconcile-ledger.ts";
import type { WorkerLog } from "../worker-log.ts";
import { type AuditJobDeps, audit } from "./audit.handler.ts";
import { type DeleteImageDeps, deleteImage } from "./delete-image.handler.ts";
import { type ProcessImageDeps, processImage } from "./process-image.handler.ts";
import { reconcile } from "./reconcile.handler.ts";

/** Everything the handlers need between them; each handler takes only its own slice. */
export type WorkerDeps = ProcessImageDeps & DeleteImageDeps & ReconcileDeps & AuditJobDeps & { readonly log: WorkerLog };

/** One handler per job name (startJobWorker refuses to start with one missing), each timed and logged. */
export function createJobHandlers(deps: WorkerDeps): JobHandlers {
  return {
    "process-image": (payload) => timed(deps.log, "process-image", payload, () => processImage(payload, deps)),
    "delete-image": (payload) => timed(deps.log, "delete-image", payload, () => deleteImage(payload, deps)),
    reconcile: (payload) => timed(deps.log, "reconcile", payload, () => reconcile(payload, deps)),
    audit: (payload) => timed(deps.log, "audit", payload, () => audit(payload, deps)),
  };
}

async function timed<T>(log: WorkerLog, job: string, payload: object, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  log.info({ job, ...payload, result, ms: Math.round(performance.now() - started) }, "job done");
  return result;
}
