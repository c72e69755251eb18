/** What other packages (the CLI) may use from the worker. */
export { deleteImageObjects, derivativeFolder } from "./images/image-objects.ts";
export { type AuditCursor, createMemoryAuditCursor, createRedisAuditCursor } from "./reconcile/audit-cursor.ts";
export {
  countByKind,
  type ReconcileAction,
  type ReconcileActionKind,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileLedger,
} from "./reconcile/reconcile-ledger.ts";
export { type SweepDeps, type SweepOptions, type SweepReport, sweepStorage } from "./reconcile/sweep-storage.ts";
export { type AuditAction, type AuditCounts, type AuditDeps, type AuditState, runAuditChunk, runFullAudit } from "./reconcile/audit.ts";
export { whenRedisReady } from "./redis-ready.ts";
export type { WorkerLog } from "./worker-log.ts";
export { type WorkerSettings, workerSettingsFrom } from "./worker-settings.ts";
