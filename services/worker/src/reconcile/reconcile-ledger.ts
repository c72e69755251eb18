import { type CredentialRepository, type IdempotencyRepository, type ImageRecord, type ImageRepository, imageJob, type JobQueue, type ProductRepository, type Storage, type WebhookRepository } from "@ingest/shared";
import type { DerivativeSettings } from "../images/image-objects.ts";
import { isImageReferenced } from "../images/product-references.ts";
import { retireImage } from "../images/retire-image.ts";
import type { WorkerLog } from "../worker-log.ts";

export interface ReconcileDeps {
  readonly images: ImageRepository;
  readonly products: ProductRepository;
  readonly credentials: CredentialRepository;
  readonly idempotency: IdempotencyRepository;
  readonly webhooks: WebhookRepository;
  readonly storage: Storage;
  readonly queue: Pick<JobQueue, "enqueue" | "isLive">;
  readonly settings: DerivativeSettings & { readonly stagedGraceMs: number };
  readonly log: WorkerLog;
}

export interface ReconcileOptions {
  /** Report what would be done, change nothing. Default false. */
  readonly dryRun?: boolean;
  /** The run's idea of now (tests move it forward instead of waiting). Default: the clock. */
  readonly now?: Date;
  /** Most images looked at per step and run. Default 100. */
  readonly batchSize?: number;
  /** A `processing` image this long without a live job is queued again. Default 2 minutes. */
  readonly processingStaleMs?: number;
  /** A `removed` image this long without a live delete job is deleted here. Default 1 minute. */
  readonly removedStaleMs?: number;
}

export type ReconcileActionKind =
  /** processing, referenced, no live job: queued again */
  | "requeue"
  /** staged and already referenced by its product (the upload died between append and status change) */
  | "promote"
  /** staged past the grace period, never appended: its object is deleted */
  | "discard-staged"
  /** removed, no live delete job: its objects are deleted */
  | "delete-removed"
  /** processing or ready, but its product (or the product's reference to it) is gone */
  | "retire-unreferenced";

export interface ReconcileAction {
  readonly kind: ReconcileActionKind;
  readonly imageId: string;
  readonly url: string;
}

export interface ReconcileReport {
  readonly dryRun: boolean;
  readonly actions: ReconcileAction[];
  /** Expired token revocations forgotten; null in a dry run. */
  readonly revokedTokensPruned: number | null;
  /** Expired idempotency keys forgotten (a bounded batch per pass); null in a dry run. */
  readonly idempotencyKeysPruned: number | null;
  /** Webhook events and delivery attempts older than 30 days forgotten (30 days; a bounded batch); null in a dry run. */
  readonly webhookHistoryPruned: number | null;
  readonly failures: { readonly imageId: string; readonly error: string }[];
}

const MINUTE = 60_000;
/** How long webhook events (for replay) and delivery attempts (the log) are kept. */
const WEBHOOK_HISTORY_MS = 30 * 24 * 60 * MINUTE;

/**
 * Brings the ledger's open intents to their end, from the store alone (the bucket is never listed
 * here): work that lost its job is queued again, uploads that died after their append are
 * promoted, abandoned uploads and dropped images are freed. It reads only records that are not
 * final (staged, processing, removed), through an index, so a pass over a ledger of millions of
 * ready images and no open work costs milliseconds; the full audit is audit.ts, a rare job of its
 * own. Every step is bounded and idempotent, so runs may overlap (the job and `pnpm cli reconcile`).
 * One image's failure does not stop the others: it is listed in `failures`, and the caller
 * decides (the job fails so BullMQ retries it; the CLI prints it and exits non-zero).
 */
export async function reconcileLedger(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const dryRun = options.dryRun ?? false;
  const now = options.now ?? new Date();
  const limit = options.batchSize ?? 100;
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const report: { -readonly [K in keyof ReconcileReport]: ReconcileReport[K] } = { dryRun, actions: [], revokedTokensPruned: null, idempotencyKeysPruned: null, webhookHistoryPruned: null, failures: [] };

  const act = async (kind: ReconcileActionKind, image: ImageRecord, perform: () => Promise<unknown>) => {
    report.actions.push({ kind, imageId: image.id, url: image.url });
    if (!dryRun) await perform();
  };
  const each = async (images: ImageRecord[], visit: (image: ImageRecord) => Promise<void>) => {
    for (const image of images) {
      try {
        await visit(image);
      } catch (error) {
        report.failures.push({ imageId: image.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };

  // Processing with no live job: Redis was down at upload, or a job ran out of attempts.
  await each(await deps.images.findStale("processing", ago(options.processingStaleMs ?? 2 * MINUTE), limit), async (image) => {
    if (!(await isImageReferenced(deps.products, image))) {
      await act("retire-unreferenced", image, () => retireImage(image, deps));
    } else if (!(await deps.queue.isLive("process-image", { imageId: image.id }))) {
      await act("requeue", image, () => deps.queue.enqueue("process-image", imageJob(image), { replaceFinished: true }));
    }
  });

  // Staged: an upload in flight, or one that died before its append (freed after the grace period
  // that in-flight uploads need), or after it (its product lists it: promoted on this very pass).
  // Staged records exist only while uploads are in flight or after a crash, so this read is small.
  const abandonedBefore = ago(deps.settings.stagedGraceMs);
  await each(await deps.images.findStale("staged", now, limit), async (image) => {
    if (await isImageReferenced(deps.products, image)) {
      await act("promote", image, async () => {
        // The upload may be finishing this itself: the conditional move lets exactly one of us
        // enqueue, and the job id collapses a second enqueue anyway.
        if (await deps.images.transition(image.id, ["staged"], "processing")) {
          await deps.queue.enqueue("process-image", imageJob(image), { replaceFinished: true });
        }
      });
    } else if (image.updatedAt < abandonedBefore) {
      await act("discard-staged", image, () => retireImage(image, deps));
    }
  });

  // Removed whose delete job never ran (Redis down at the time) or gave up.
  await each(await deps.images.findStale("removed", ago(options.removedStaleMs ?? MINUTE), limit), async (image) => {
    if (!(await deps.queue.isLive("delete-image", { imageId: image.id }))) {
      await act("delete-removed", image, () => retireImage(image, deps));
    }
  });

  if (!dryRun) report.revokedTokensPruned = await deps.credentials.pruneRevokedTokens(now);
  // Keys expire after a day; a batch per pass keeps a pass short, and passes run every minute.
  if (!dryRun) report.idempotencyKeysPruned = await deps.idempotency.pruneExpired(now, 10 * limit);
  // Replays need the event; the log is for looking back: both kept a month.
  if (!dryRun) report.webhookHistoryPruned = await deps.webhooks.pruneHistory(new Date(now.getTime() - WEBHOOK_HISTORY_MS), 10 * limit);

  if (report.actions.length > 0 || report.failures.length > 0) {
    deps.log.info({ dryRun, actions: countByKind(report.actions), failures: report.failures.length }, "reconciled");
  }
  return report;
}

export function countByKind(actions: readonly ReconcileAction[]): Partial<Record<ReconcileActionKind, number>> {
  const counts: Partial<Record<ReconcileActionKind, number>> = {};
  for (const action of actions) counts[action.kind] = (counts[action.kind] ?? 0) + 1;
  return counts;
}
