import { randomBytes } from "node:crypto";
import type { ImageRepository, ProductRepository, Storage } from "@ingest/shared";
import type { DerivativeSettings } from "../images/image-objects.ts";
import { isImageReferenced } from "../images/product-references.ts";
import { retireImage } from "../images/retire-image.ts";
import type { WorkerLog } from "../worker-log.ts";
import type { AuditCursor } from "./audit-cursor.ts";
import { sweepStorage } from "./sweep-storage.ts";

export interface AuditDeps {
  readonly images: ImageRepository;
  readonly products: ProductRepository;
  readonly storage: Storage;
  readonly auditCursor: AuditCursor;
  readonly settings: DerivativeSettings & { readonly stagedGraceMs: number };
  readonly log: WorkerLog;
}

/**
 * The full audit walks the whole ledger, then the whole bucket: hours at ten million images. It
 * goes a bounded chunk at a time, saving where it stands after each, so it can stop and resume
 * anywhere, and so reconciliation passes (one maintenance job at a time) run between chunks.
 */
export interface AuditState {
  readonly runId: string;
  /** Chunks done so far; a job for an older chunk is a stale duplicate and does nothing. */
  readonly chunk: number;
  /** `ledger`: every ready image against its product; `storage`: every object against the ledger. */
  readonly phase: "ledger" | "storage";
  /** The last image id (ledger) or object key (storage) done. */
  readonly after: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly counts: AuditCounts;
}

export interface AuditCounts {
  /** Ready images checked against their product. */
  readonly audited: number;
  /** Ready images no product lists any more: their objects freed. */
  readonly retired: number;
  /** Stored objects looked at. */
  readonly scanned: number;
  /** Stored objects no live image accounts for: deleted. */
  readonly deleted: number;
  /** Images or objects that could not be handled (the next audit tries again). */
  readonly failed: number;
}

/** What the audit did (or, in a dry run, would do), one at a time. */
export type AuditAction =
  | { readonly kind: "retire-unreferenced"; readonly imageId: string; readonly url: string }
  | { readonly kind: "delete-object"; readonly key: string; readonly reason: string };

export interface AuditChunkOptions {
  /** Most images or objects handled in this chunk. Default 2,000. */
  readonly budget?: number;
  readonly dryRun?: boolean;
  readonly now?: Date;
  readonly onAction?: (action: AuditAction) => void;
}

const LEDGER_BATCH = 500;
/** A chain whose state has not moved for this long is dead (its worker died); the next start takes over. */
export const AUDIT_STALE_MS = 10 * 60_000;

export function newAuditState(now: Date = new Date()): AuditState {
  const at = now.toISOString();
  return {
    runId: randomBytes(8).toString("hex"),
    chunk: 0,
    phase: "ledger",
    after: null,
    startedAt: at,
    updatedAt: at,
    counts: { audited: 0, retired: 0, scanned: 0, deleted: 0, failed: 0 },
  };
}

export async function readAuditState(cursor: AuditCursor): Promise<AuditState | null> {
  const text = await cursor.read();
  if (text === null) return null;
  try {
    const state = JSON.parse(text) as AuditState;
    return typeof state.runId === "string" && typeof state.chunk === "number" ? state : null;
  } catch {
    return null; // an unreadable state only restarts the audit
  }
}

export const writeAuditState = (cursor: AuditCursor, state: AuditState | null) => cursor.write(state === null ? null : JSON.stringify(state));

/**
 * Does one chunk of the audit from `state` and returns the state after it, or `finished: true`
 * when the walk reached the end. Idempotent: a chunk done twice retires and deletes nothing more.
 */
export async function runAuditChunk(deps: AuditDeps, state: AuditState, options: AuditChunkOptions = {}): Promise<{ state: AuditState; finished: boolean }> {
  const budget = options.budget ?? 2_000;
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const counts = { ...state.counts };
  let { phase, after } = state;
  let used = 0;
  let finished = false;

  while (used < budget && !finished) {
    if (phase === "ledger") {
      const wanted = Math.min(LEDGER_BATCH, budget - used);
      const batch = await deps.images.findAfter(["ready"], after, wanted);
      for (const image of batch) {
        counts.audited += 1;
        // Just finished: a removal may be on its way (the request records it right after).
        if (now.getTime() - image.updatedAt.getTime() < 60_000) continue;
        try {
          if (await isImageReferenced(deps.products, image)) continue;
          counts.retired += 1;
          options.onAction?.({ kind: "retire-unreferenced", imageId: image.id, url: image.url });
          if (!dryRun) await retireImage(image, deps);
        } catch (error) {
          counts.failed += 1;
          deps.log.warn({ imageId: image.id, err: error }, "audit could not check an image");
        }
      }
      used += batch.length;
      after = batch.at(-1)?.id ?? after;
      if (batch.length < wanted) {
        phase = "storage";
        after = null;
      }
    } else {
      const sweep = await sweepStorage(deps, { dryRun, now, limit: budget - used, ...(after === null ? {} : { startAfter: after }) });
      counts.scanned += sweep.scanned;
      counts.deleted += sweep.deleted.length;
      for (const entry of sweep.deleted) options.onAction?.({ kind: "delete-object", key: entry.key, reason: entry.reason });
      used += Math.max(sweep.scanned, 1);
      after = sweep.lastKey;
      finished = sweep.done;
    }
  }
  return { state: { ...state, chunk: state.chunk + 1, phase, after, updatedAt: now.toISOString(), counts }, finished };
}

/**
 * Runs a whole audit here and now (the CLI's `reconcile --full`), resuming the one in progress if
 * there is one; any worker chain of that audit stands down when it sees this run took it over.
 * Stopping it (Ctrl-C) loses at most the chunk under way.
 */
export async function runFullAudit(
  deps: AuditDeps,
  options: {
    readonly dryRun?: boolean;
    readonly onProgress?: (state: AuditState) => void;
    readonly onAction?: (action: AuditAction) => void;
    readonly shouldStop?: () => boolean;
  } = {},
): Promise<{ state: AuditState; finished: boolean; resumed: boolean }> {
  const earlier = options.dryRun ? null : await readAuditState(deps.auditCursor);
  let state: AuditState = earlier ? { ...earlier, runId: newAuditState().runId } : newAuditState();
  if (!options.dryRun) await writeAuditState(deps.auditCursor, state);
  for (;;) {
    const step = await runAuditChunk(deps, state, { dryRun: options.dryRun ?? false, ...(options.onAction ? { onAction: options.onAction } : {}) });
    state = step.state;
    options.onProgress?.(state);
    if (step.finished) {
      if (!options.dryRun) await writeAuditState(deps.auditCursor, null);
      return { state, finished: true, resumed: earlier !== null };
    }
    if (!options.dryRun) await writeAuditState(deps.auditCursor, state);
    if (options.shouldStop?.()) return { state, finished: false, resumed: earlier !== null };
  }
}
