import type { Command } from "@commander-js/extra-typings";
import type { countByKind as CountByKind, ReconcileReport, SweepReport } from "@ingest/worker";
import { runFor } from "../run-action.ts";

/** Nothing is logged here: the command prints its own report. */
const quiet = { info() {}, warn() {}, error() {} };

export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description("bring images and storage back in line with the ledger (the pass the repeatable job runs)")
    .addHelpText(
      "after",
      "\nRe-queues processing images that lost their job, finishes or frees uploads abandoned after staging,\n" +
        "deletes the objects of removed images, retires ready images their product no longer lists, and\n" +
        "forgets expired token revocations.",
    )
    .option("--dry-run", "print what would be done; change nothing")
    .option("--full-sweep", "also list the whole bucket (under this deployment's key prefix) and delete every object no live image accounts for")
    .action((options, command) =>
      runFor(command, async (context) => {
        const dryRun = options.dryRun === true;
        const { config } = context;
        // The worker's code (and sharp's neighbours) load only when this command runs.
        const { countByKind, createRedisAuditCursor, reconcileLedger, sweepStorage, workerSettingsFrom } = await import("@ingest/worker");
        const repositories = await context.repositories();
        const storage = await context.storage();
        const redis = await context.redis();
        const settings = workerSettingsFrom(config);
        const ledger = await reconcileLedger(
          { ...repositories, storage, queue: await context.queue(), auditCursor: createRedisAuditCursor(redis, config.queue.prefix), settings, log: quiet },
          { dryRun },
        );
        const sweep = options.fullSweep ? await sweepStorage({ images: repositories.images, storage, settings, log: quiet }, { dryRun }) : null;
        context.result({ ledger, sweep }, () => printReports(ledger, sweep, countByKind, context.out));
        for (const failure of ledger.failures) context.note(`failed: image ${failure.imageId}: ${failure.error}`);
        return ledger.failures.length > 0 ? 1 : 0;
      }),
    );
}

function printReports(
  ledger: ReconcileReport,
  sweep: SweepReport | null,
  countByKind: typeof CountByKind,
  out: (line: string) => void,
): void {
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
