import { type ImageEntry, type ImageRepository, imageJob, type JobQueue } from "@ingest/shared";
import type { FastifyBaseLogger } from "fastify";
import { enqueueWithin } from "./enqueue-within.ts";

/**
 * Frees the objects of managed images that left a product (DELETE by index, PATCH of
 * imageUrls, product deletion). The product change is already committed; this step is best
 * effort by design: the ledger says `removed` and reconciliation finishes what a failed enqueue
 * (or a crash right here) left undone, so the caller's request never fails because of it.
 */
export interface ImageRemoval {
  scheduleRemoval(product: { readonly companyId: string; readonly id: string }, imageIds: readonly string[], log: FastifyBaseLogger): Promise<void>;
}

export function createImageRemoval(deps: {
  readonly images: ImageRepository;
  readonly queue: JobQueue;
  readonly enqueueTimeoutMs: number;
}): ImageRemoval {
  return {
    async scheduleRemoval(product, imageIds, log) {
      await Promise.all(
        imageIds.map(async (imageId) => {
          try {
            const removed = await deps.images.transition(imageId, ["staged", "processing", "ready"], "removed");
            const job = imageJob({ id: imageId, companyId: product.companyId, productId: product.id });
            if (removed) await enqueueWithin(deps.queue, "delete-image", job, { timeoutMs: deps.enqueueTimeoutMs, log });
          } catch (error) {
            log.warn({ err: error, imageId }, "could not mark a dropped image removed; reconciliation will");
          }
        }),
      );
    },
  };
}

/** Managed image ids present before a change and absent after it. */
export function droppedImageIds(before: readonly ImageEntry[], after: readonly ImageEntry[]): string[] {
  const kept = new Set(after.flatMap((entry) => (entry.imageId ? [entry.imageId] : [])));
  return before.flatMap((entry) => (entry.imageId && !kept.has(entry.imageId) ? [entry.imageId] : []));
}
