import type { Command } from "@commander-js/extra-typings";
import type { AuditAction, AuditState, countByKind as CountByKind, ReconcileReport } from "@ingest/worker";
import { runFor } from "../run-action.ts";

/** Nothing is logged here: the command prints its own report. */
const quiet = { info() {}, warn() {}, error() {} };

export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description("bring images and storage back in line with the store (the pass the repeatable job runs)")
    .addHelpText(
      "after",
      "\nOne pass over the open work (staged, processing and removed images): re-queues processing images\n" +
        "that lost their job, promotes uploads that died after their append, frees uploads abandoned before\n" +
        "it and removed images, and forgets expired token revocations.\n" +
        "--full then runs the full audit here (the worker also starts one daily): every ready image against\n" +
        "its product, then every stored object against the ledger, with progress. Ctrl-C stops it after the\n" +
        "chunk under way; run the command again to go on from there.",
    )
    .option("--dry-run", "print what would be done; change nothing")
    .option("--full", "then run the full audit (ledger, then bucket), resumable")
    .action((options, command) =>
      runFor(command, async (context) => {
        const dryRun = options.dryRun === true;
        const { config } = context;
        // The worker's code (and sharp's neighbours) load only when this command runs.
        const { countByKind, createRedisAuditCursor, reconcileLedger, runFullAudit, workerSettingsFrom } = await import("@ingest/worker");
        const repositories = await context.repositories();
        const storage = await context.storage();
        const redis = await context.redis();
        const settings = workerSettingsFrom(config);
        const deps = { ...repositories, storage, queue: await context.queue(), auditCursor: createRedisAuditCursor(redis, config.queue.prefix), settings, log: quiet };
        const ledger = await reconcileLedger(deps, { dryRun });
        if (!context.json) printLedger(ledger, countByKind, context.out);

        let audit: { state: AuditState; finished: boolean; resumed: boolean; actions: AuditAction[] } | null = null;
        if (options.full) {
          const verb = dryRun ? "would" : "did";
          const actions: AuditAction[] = [];
          const progress = createProgressLine();
          // Asking for the signal makes a first Ctrl-C wait for the end of the chunk under way.
          const interrupted = context.interrupted;
          try {
            const run = await runFullAudit(deps, {
              dryRun,
              shouldStop: () => interrupted.aborted,
              onAction: (action) => {
                actions.push(action);
                if (!context.json) {
                  context.out(action.kind === "delete-object" ? `${verb} delete-object ${action.key} (${action.reason})` : `${verb} ${action.kind} ${action.imageId} ${action.url}`);
                }
              },
              onProgress: (state) => progress.update(describeAudit(state)),
            });
            audit = { ...run, actions };
          } finally {
            progress.done();
          }
          if (!context.json) {
            context.out(`audit: ${describeAudit(audit.state)}${audit.finished ? "" : " (stopped; run again to go on)"}${audit.resumed ? " (resumed an audit in progress)" : ""}`);
          }
        }
        if (context.json) context.result({ ledger, audit }, () => {});
        for (const failure of ledger.failures) context.note(`failed: image ${failure.imageId}: ${failure.error}`);
        return ledger.failures.length > 0 || (audit?.state.counts.failed ?? 0) > 0 ? 1 : audit && !audit.finished ? 130 : 0;
      }),
    );
}

function printLedger(ledger: ReconcileReport, countByKind: typeof CountByKind, out: (line: string) => void): void {
  const verb = ledger.dryRun ? "would" : "did";
  for (const action of ledger.actions) out(`${verb} ${action.kind} ${action.imageId} ${action.url}`);
  const counts = Object.entries(countByKind(ledger.actions)).map(([kind, count]) => `${kind} ${count}`);
  out(
    `ledger: ${ledger.actions.length} action(s)${counts.length > 0 ? ` (${counts.join(", ")})` : ""}; ` +
      (ledger.revokedTokensPruned === null ? "token revocations not pruned (dry run)" : `${ledger.revokedTokensPruned} expired token revocation(s) pruned`),
  );
}

function describeAudit(state: AuditState): string {
  const { audited, retired, scanned, deleted, failed } = state.counts;
  return `${audited} ready image(s) checked, ${retired} retired; ${scanned} object(s) scanned, ${deleted} deleted${failed > 0 ? `; ${failed} failed` : ""} [${state.phase}]`;
}

/** One line rewritten in place on a terminal (stderr); plain lines, at most one every 2 s, otherwise. */
function createProgressLine(): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      const line = `audit: ${text} · ${((now - started) / 1000).toFixed(0)} s`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        shown = true;
      } else if (now - last >= 2_000) {
        process.stderr.write(`${line}\n`);
        last = now;
      }
    },
    done() {
      if (tty && shown) process.stderr.write("\n");
    },
  };
}
