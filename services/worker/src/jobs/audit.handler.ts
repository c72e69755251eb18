import type { AuditPayload, JobQueue } from "@ingest/shared";
import { AUDIT_STALE_MS, type AuditDeps, type AuditState, newAuditState, readAuditState, runAuditChunk, writeAuditState } from "../reconcile/audit.ts";

export type AuditJobDeps = AuditDeps & { readonly queue: Pick<JobQueue, "enqueue"> };

export type AuditJobResult =
  | { readonly outcome: "skipped"; readonly why: string }
  | { readonly outcome: "continues" | "finished"; readonly runId: string; readonly chunk: number; readonly phase: AuditState["phase"]; readonly counts: AuditState["counts"] };

/**
 * One chunk of the full audit per job. The scheduled job (no payload) starts an audit, or takes
 * over one whose chain died; each chunk enqueues the next as a job of its own, so reconciliation
 * passes on the same one-at-a-time queue run in between. A job whose run was taken over (by the
 * CLI) or whose chunk was already done (a retried duplicate) does nothing.
 */
export async function audit(payload: AuditPayload, deps: AuditJobDeps): Promise<AuditJobResult> {
  const now = new Date();
  const current = await readAuditState(deps.auditCursor);
  let state: AuditState;
  if (payload.runId === undefined) {
    if (current && now.getTime() - Date.parse(current.updatedAt) < AUDIT_STALE_MS) return { outcome: "skipped", why: "an audit is already under way" };
    state = current ?? newAuditState(now);
  } else {
    if (!current || current.runId !== payload.runId) return { outcome: "skipped", why: "this audit was taken over or has finished" };
    if (current.chunk !== payload.chunk) return { outcome: "skipped", why: `chunk ${payload.chunk} was done already` };
    state = current;
  }

  const step = await runAuditChunk(deps, state, { now });
  if (step.finished) {
    await writeAuditState(deps.auditCursor, null);
    deps.log.info({ runId: state.runId, startedAt: state.startedAt, ...step.state.counts }, "audit finished");
  } else {
    await writeAuditState(deps.auditCursor, step.state);
    await deps.queue.enqueue("audit", { runId: step.state.runId, chunk: step.state.chunk });
  }
  const { runId, chunk, phase, counts } = step.state;
  return { outcome: step.finished ? "finished" : "continues", runId, chunk, phase, counts };
}
