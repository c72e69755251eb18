import { PermanentJobError, type ReconcilePayload } from "@ingest/shared";
import { countByKind, type ReconcileDeps, reconcileLedger } from "../reconcile/reconcile-ledger.ts";

/**
 * The repeatable job: one ledger pass. When some images could not be handled the job fails, so
 * it shows among the failed jobs, but is not retried: the next scheduled pass redoes exactly that
 * work, and retries would only pile up beside it.
 */
export async function reconcile(_payload: ReconcilePayload, deps: ReconcileDeps) {
  const report = await reconcileLedger(deps);
  if (report.failures.length > 0) {
    throw new PermanentJobError(
      `${report.failures.length} image(s) could not be reconciled (first: ${report.failures[0]?.imageId}: ${report.failures[0]?.error}); ` +
        `${report.actions.length} action(s) done; the next scheduled run tries again`,
      { cause: new AggregateError(report.failures.map((failure) => new Error(`${failure.imageId}: ${failure.error}`))) },
    );
  }
  return { actions: countByKind(report.actions), revokedTokensPruned: report.revokedTokensPruned, idempotencyKeysPruned: report.idempotencyKeysPruned };
}
