import {
  countByKind,
  createRedisAuditCursor,
  type ReconcileReport,
  reconcileLedger,
  type SweepReport,
  sweepStorage,
  whenRedisReady,
  workerSettingsFrom,
} from "@ingest/worker";
import { parseCommandArgs } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli reconcile [--dry-run] [--full-sweep] [--json]
      One pass of the worker's reconciliation, from the image ledger in MongoDB (the same pass
      the repeatable job runs): re-queues processing images that lost their job, finishes or
      frees uploads abandoned after staging, deletes the objects of removed images, retires
      ready images their product no longer lists, and forgets expired token revocations.
  --dry-run     print what would be done; change nothing
  --full-sweep  also list the whole bucket (under this deployment's key prefix) and delete
                every object no live image accounts for; for audits, never needed routinely
  --json        print the reports as JSON`;

/** Nothing is logged here: the command prints its own report. */
const quiet = { info() {}, warn() {}, error() {} };

export const reconcileCommand: Command = {
  name: "reconcile",
  summary: "bring images and storage back in line with the ledger (--dry-run to preview)",
  usage,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      "dry-run": { type: "boolean", default: false },
      "full-sweep": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (positionals.length > 0) throw new UsageError(`reconcile takes no arguments, got "${positionals.join(" ")}"`);
    const dryRun = values["dry-run"];
    const { config } = context;
    const repositories = await context.repositories();
    const storage = context.storage();
    // The context's Redis fails fast instead of queueing commands, so wait for it to connect.
    await whenRedisReady(context.redis(), 5_000);
    const settings = workerSettingsFrom(config);

    const ledger = await reconcileLedger(
      {
        ...repositories,
        storage,
        queue: context.queue(),
        auditCursor: createRedisAuditCursor(context.redis(), config.queue.prefix),
        settings,
        log: quiet,
      },
      { dryRun },
    );
    const sweep = values["full-sweep"] ? await sweepStorage({ images: repositories.images, storage, settings, log: quiet }, { dryRun }) : null;

    if (values.json) context.out(JSON.stringify({ ledger, sweep }, null, 2));
    else printReports(ledger, sweep, context.out);
    for (const failure of ledger.failures) context.note(`failed: image ${failure.imageId}: ${failure.error}`);
    return ledger.failures.length > 0 ? 1 : 0;
  },
};

function printReports(ledger: ReconcileReport, sweep: SweepReport | null, out: (line: string) => void): void {
  const verb = ledger.dryRun ? "would" : "did";
  for (const action of ledger.actions) out(`${verb} ${action.kind} ${action.imageId} ${action.url}`);
  const counts = Object.entries(countByKind(ledger.actions)).map(([kind, count]) => `${kind} ${count}`);
  out(
    `ledger: ${ledger.actions.length} action(s)${counts.length > 0 ? ` (${counts.join(", ")})` : ""}; ` +
      `${ledger.audited} ready image(s) audited; ` +
      (ledger.revokedTokensPruned === null ? "token revocations not pruned (dry run)" : `${ledger.revokedTokensPruned} expired token revocation(s) pruned`),
  );
  if (!sweep) return;
  for (const entry of sweep.deleted) out(`${verb} delete ${entry.key} (${entry.reason})`);
  out(
    `sweep: ${sweep.scanned} object(s) scanned, ${sweep.kept} kept, ${sweep.deleted.length} ${ledger.dryRun ? "to delete" : "deleted"}` +
      (sweep.unrecognised > 0 ? `, ${sweep.unrecognised} with unrecognised keys left alone` : ""),
  );
}
