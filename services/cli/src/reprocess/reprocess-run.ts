import { setTimeout as sleep } from "node:timers/promises";
import type { ImageRecord, ImageRepository } from "@ingest/shared/images";
import type { JobQueue } from "@ingest/shared/queue";
import type { Storage } from "@ingest/shared/storage";
import type { CheckpointFile } from "./reprocess-checkpoint.ts";
import type { ProgressReporter } from "./reprocess-progress.ts";
import { imagesInScope, type ReprocessScope } from "./reprocess-scope.ts";

export type ReprocessOutcome = "ready" | "rejected" | "gone" | "timeout" | "failed";

export interface ReprocessDeps {
  readonly images: ImageRepository;
  readonly queue: JobQueue;
  readonly storage: Storage;
  readonly progress: ProgressReporter;
  readonly checkpoint: CheckpointFile;
}

export interface ReprocessOptions {
  readonly scope: ReprocessScope;
  /** Images handed to the workers at once. */
  readonly concurrency: number;
  /** How long one image may take from enqueue to a final status. */
  readonly imageTimeoutMs: number;
  /** Stop starting new images (Ctrl-C); those in flight are awaited. */
  readonly signal: AbortSignal;
  /** Resume point: every image up to this id is done. */
  readonly after: string | null;
  /** Images already done by the run being resumed (for the counts). */
  readonly alreadyDone: number;
  readonly total: number;
}

export interface ReprocessReport {
  readonly outcomes: Record<ReprocessOutcome, number>;
  readonly done: number;
  readonly total: number;
  readonly interrupted: boolean;
  readonly failures: { imageId: string; outcome: ReprocessOutcome; detail: string }[];
}

const POLL_MS = 250;

/**
 * Re-runs derivatives through the workers: a ready image goes back to `processing` and gets a
 * fresh process-image job (the worker redoes the derivatives with the current settings and marks
 * it ready again), then this waits for its final status and deletes the derivative objects the
 * new settings no longer produce. The checkpoint advances over the longest prefix (in id order)
 * of finished images, so a resumed run redoes at most `concurrency` images.
 */
export async function reprocessImages(deps: ReprocessDeps, options: ReprocessOptions): Promise<ReprocessReport> {
  const outcomes: Record<ReprocessOutcome, number> = { ready: 0, rejected: 0, gone: 0, timeout: 0, failed: 0 };
  const failures: ReprocessReport["failures"] = [];
  const started = Date.now();
  /** Images handled by this run, whatever their outcome (the progress). */
  let doneThisRun = 0;
  /** Images up to the checkpoint: the unbroken run of finished ones, in id order (what a resume skips). */
  let checkpointDone = options.alreadyDone;
  const order: { id: string; finished: boolean }[] = [];
  let checkpointAfter = options.after;
  const inFlight = new Set<Promise<void>>();

  const report = () =>
    deps.progress.update({ done: options.alreadyDone + doneThisRun, total: options.total, elapsedMs: Date.now() - started });

  const advanceCheckpoint = () => {
    while (order.length > 0 && order[0]!.finished) {
      checkpointAfter = order.shift()!.id;
      checkpointDone++;
    }
    deps.checkpoint.write(checkpointAfter, checkpointDone);
  };

  const runOne = async (image: ImageRecord, slot: { id: string; finished: boolean }) => {
    let outcome: ReprocessOutcome;
    let detail = "";
    try {
      ({ outcome, detail } = await reprocessOne(image, deps, options.imageTimeoutMs));
    } catch (error) {
      outcome = "failed";
      detail = error instanceof Error ? error.message : String(error);
    }
    outcomes[outcome]++;
    if (outcome === "timeout" || outcome === "failed" || outcome === "rejected") {
      failures.push({ imageId: image.id, outcome, detail });
      deps.progress.line(`${outcome}: image ${image.id}${detail ? `: ${detail}` : ""}`);
    }
    // A timed-out or failed image is not done: the checkpoint stays before it, so a resume retries it.
    if (outcome !== "timeout" && outcome !== "failed") slot.finished = true;
    doneThisRun++;
    if (slot.finished) advanceCheckpoint();
    report();
  };

  report();
  for await (const image of imagesInScope(deps.images, options.scope, options.after)) {
    if (options.signal.aborted) break;
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (options.signal.aborted) break;
    const slot = { id: image.id, finished: false };
    order.push(slot);
    const running: Promise<void> = runOne(image, slot).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
  const interrupted = options.signal.aborted;
  if (!interrupted && failures.every((failure) => failure.outcome === "rejected")) deps.checkpoint.remove();
  deps.progress.finish({ done: options.alreadyDone + doneThisRun, total: options.total, elapsedMs: Date.now() - started });
  return { outcomes, done: options.alreadyDone + doneThisRun, total: options.total, interrupted, failures };
}

async function reprocessOne(image: ImageRecord, deps: ReprocessDeps, timeoutMs: number): Promise<{ outcome: ReprocessOutcome; detail: string }> {
  if (image.status === "ready" && !(await deps.images.transition(image.id, ["ready"], "processing"))) {
    // Changed under us (removed, or another run took it): only a processing image is still ours to wait for.
    const now = await deps.images.find(image.id);
    if (now?.status !== "processing") return { outcome: "gone", detail: now?.status ?? "missing" };
  }
  // Labelled with whose image it is, for the queue dashboard (imageJob's shape, without loading the queue module here).
  await deps.queue.enqueue("process-image", { imageId: image.id, companyId: image.companyId, productId: image.productId }, { replaceFinished: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await deps.images.find(image.id);
    if (!now || now.status === "removed" || now.status === "deleted") return { outcome: "gone", detail: now?.status ?? "missing" };
    if (now.status === "rejected") return { outcome: "rejected", detail: `${now.rejectionReason}: ${now.rejectionDetail ?? ""}` };
    if (now.status === "ready") {
      await deleteStaleDerivatives(deps.storage, image, now);
      return { outcome: "ready", detail: "" };
    }
    if (Date.now() >= deadline) return { outcome: "timeout", detail: `still ${now.status} after ${Math.round(timeoutMs / 1000)} s (is a worker running?)` };
    await sleep(POLL_MS);
  }
}

/** The old derivatives the new settings did not write again (a width or format dropped). */
async function deleteStaleDerivatives(storage: Storage, before: ImageRecord, after: ImageRecord): Promise<void> {
  const kept = new Set(after.derivatives.map((derivative) => derivative.key));
  const stale = before.derivatives.map((derivative) => derivative.key).filter((key) => !kept.has(key) && key !== after.key);
  if (stale.length > 0) await storage.delete(stale);
}
