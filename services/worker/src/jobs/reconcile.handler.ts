import type { ReconcilePayload } from "@ingest/shared";
import { countByKind, type ReconcileDeps, reconcileLedger } from "../reconcile/reconcile-ledger.ts";

/** The repeatable job: one ledger pass; fails (and so retries) when any image could not be handled. */
export async function reconcile(_payload: ReconcilePayload, deps: ReconcileDeps) {
  const report = await reconcileLedger(deps);
  if (report.failures.length > 0) {
    throw new AggregateError(
      report.failures.map((failure) => new Error(`${failure.imageId}: ${failure.error}`)),
      `${report.failures.length} image(s) could not be reconciled (first: ${report.failures[0]?.error}); ${report.actions.length} action(s) done`,
    );
  }
  return { actions: countByKind(report.actions), audited: report.audited, revokedTokensPruned: report.revokedTokensPruned };
}
