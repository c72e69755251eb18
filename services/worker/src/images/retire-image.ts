import type { ImageRecord, ImageRepository, ImageStatus, Storage } from "@ingest/shared";
import { type DerivativeSettings, deleteImageObjects } from "./image-objects.ts";

export interface RetireDeps {
  readonly images: ImageRepository;
  readonly storage: Storage;
  readonly settings: DerivativeSettings;
}

/** Statuses an unreferenced image may be retired from; `rejected` keeps its reason for callers. */
const RETIRABLE: readonly ImageStatus[] = ["staged", "processing", "ready", "removed"];

/**
 * Frees an image no product references any more: records the intent (`removed`), deletes every
 * object it can have, then records the end (`deleted`). Safe to repeat at any point. Callers decide
 * from the product's latest revision that the image is unreferenced, so the objects go even if a
 * status write raced with another process (FerretDB does not make conditional updates atomic).
 */
export async function retireImage(image: ImageRecord, deps: RetireDeps): Promise<string[]> {
  const live = RETIRABLE.includes(image.status);
  if (live && image.status !== "removed") await deps.images.transition(image.id, [image.status], "removed");
  const keys = await deleteImageObjects(deps.storage, image, deps.settings);
  if (live) await deps.images.transition(image.id, RETIRABLE, "deleted");
  return keys;
}
