import {
  type AuditAction,
  type AuditState,
  countByKind,
  createRedisAuditCursor,
  type ReconcileReport,
  reconcileLedger,
  runFullAudit,
  whenRedisReady,
  workerSettingsFrom,
} from "@ingest/worker";
import { parseCommandArgs } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli reconcile [--dry-run] [--full] [--json]
      One pass of the worker's reconciliation over the open work in the store (the same pass the
      repeatable job runs): re-queues processing images that lost their job, promotes uploads that
      died after their append, frees uploads abandoned before it and removed images, and forgets
      expired token revocations.
  --dry-run  print what would be done; change nothing
  --full     then run the full audit here (the worker also starts one daily): every ready image
             against its product, then every stored object against the ledger. Shows progress;
             stop it with Ctrl-C and run it again to go on from where it stopped.
  --json     print the reports as JSON`;

/** Nothing is logged here: the command prints its own report. */
const quiet = { info() {}, warn() {}, error() {} };

export const reconcileCommand: Command = {
  name: "reconcile",
  summary: "bring images and storage back in line with the store (--dry-run to preview, --full for the audit)",
  usage,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      "dry-run": { type: "boolean", default: false },
      full: { type: "boolean", default: false },
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
    const deps = { ...repositories, storage, queue: context.queue(), auditCursor: createRedisAuditCursor(context.redis(), config.queue.prefix), settings, log: quiet };

    const ledger = await reconcileLedger(deps, { dryRun });
    if (!values.json) printLedger(ledger, context.out);

    let audit: { state: AuditState; finished: boolean; resumed: boolean; actions: AuditAction[] } | null = null;
    if (values.full) {
      const actions: AuditAction[] = [];
      const verb = dryRun ? "would" : "did";
      let stop = false;
      const onSigint = () => {
        stop = true;
        context.note("\nstopping after this chunk; run the command again to go on");
      };
      process.once("SIGINT", onSigint);
      const progress = createProgressLine((line) => process.stderr.write(line));
      try {
        const run = await runFullAudit(deps, {
          dryRun,
          shouldStop: () => stop,
          onAction: (action) => {
            actions.push(action);
            if (!values.json) context.out(action.kind === "delete-object" ? `${verb} delete-object ${action.key} (${action.reason})` : `${verb} ${action.kind} ${action.imageId} ${action.url}`);
          },
          onProgress: (state) => progress.update(describeAudit(state)),
        });
        audit = { ...run, actions };
      } finally {
        process.off("SIGINT", onSigint);
        progress.done();
      }
      if (!values.json) {
        context.out(`audit: ${describeAudit(audit.state)}${audit.finished ? "" : " (stopped; run again to go on)"}${audit.resumed ? " (resumed an audit in progress)" : ""}`);
      }
    }

    if (values.json) context.out(JSON.stringify({ ledger, audit }, null, 2));
    for (const failure of ledger.failures) context.note(`failed: image ${failure.imageId}: ${failure.error}`);
    return ledger.failures.length > 0 || (audit?.state.counts.failed ?? 0) > 0 ? 1 : 0;
  },
};

function printLedger(ledger: ReconcileReport, out: (line: string) => void): void {
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

/** One line rewritten in place on a terminal; plain lines, at most one every 2 s, otherwise. */
function createProgressLine(write: (text: string) => void): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      const elapsed = `${((now - started) / 1000).toFixed(0)} s`;
      if (tty) {
        write(`\r\x1b[2Kaudit: ${text} · ${elapsed}`);
        shown = true;
      } else if (now - last >= 2_000) {
        write(`audit: ${text} · ${elapsed}\n`);
        last = now;
      }
    },
    done() {
      if (tty && shown) write("\n");
    },
  };
}
