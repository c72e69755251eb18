import type { DeleteImagePayload, ImageRepository, ImageStatus, ProductRepository, Storage } from "@ingest/shared";
import { type DerivativeSettings, deleteImageObjects } from "../images/image-objects.ts";
import { isImageReferenced } from "../images/product-references.ts";
import { retireImage } from "../images/retire-image.ts";
import { emitImageEvent, type WebhookEmitDeps } from "../webhooks/emit-webhook-event.ts";
import type { WebhookSettings } from "../webhooks/webhook-settings.ts";
import type { WorkerLog } from "../worker-log.ts";

export interface DeleteImageDeps extends WebhookEmitDeps {
  readonly images: ImageRepository;
  readonly products: ProductRepository;
  readonly storage: Storage;
  readonly settings: DerivativeSettings & { readonly stagedGraceMs: number; readonly webhooks: WebhookSettings };
  readonly log: WorkerLog;
}

export type DeleteImageResult =
  | { readonly outcome: "deleted"; readonly keys: number }
  | { readonly outcome: "skipped"; readonly status: ImageStatus | "missing"; readonly why: string };

/**
 * Frees the objects of an image its product dropped (DELETE, PATCH, product deletion), then
 * records it as deleted. Idempotent: deleting a missing key succeeds, and a repeat of a finished
 * job only deletes nothing again (which also catches a process-image run that wrote late).
 */
export async function deleteImage({ imageId }: DeleteImagePayload, deps: DeleteImageDeps): Promise<DeleteImageResult> {
  const image = await deps.images.find(imageId);
  if (!image) return { outcome: "skipped", status: "missing", why: "no such image" };

  switch (image.status) {
    case "removed":
    case "deleted": {
      const keys = await retireImage(image, deps);
      deps.log.info({ imageId, keys: keys.length }, "image objects deleted");
      await emitImageEvent("image.deleted", image, deps);
      return { outcome: "deleted", keys: keys.length };
    }
    case "rejected": {
      // Its objects went with the rejection; deleting again is harmless and the reason stays.
      const keys = await deleteImageObjects(deps.storage, image, deps.settings);
      return { outcome: "deleted", keys: keys.length };
    }
    default: {
      // Asked to delete an image whose status says it is live: the product decides.
      if (await isImageReferenced(deps.products, image)) {
        return { outcome: "skipped", status: image.status, why: "the product still references it" };
      }
      if (image.status === "staged" && Date.now() - image.createdAt.getTime() < deps.settings.stagedGraceMs) {
        return { outcome: "skipped", status: image.status, why: "its upload may still be in flight; reconciliation decides after the grace period" };
      }
      const keys = await retireImage(image, deps);
      deps.log.info({ imageId, keys: keys.length }, "image objects deleted");
      return { outcome: "deleted", keys: keys.length };
    }
  }
}
