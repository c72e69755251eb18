import { type DerivativeFormat, derivativeKey, type ImageRecord, type Storage } from "@ingest/shared";

type ImageIdentity = Pick<ImageRecord, "id" | "companyId" | "productId" | "key" | "derivatives">;

/** Settings that decide which derivative keys an image can have. */
export interface DerivativeSettings {
  readonly derivativeWidths: readonly number[];
  readonly derivativeFormats: readonly DerivativeFormat[];
}

/** `<companyId>/products/<productId>/images/<imageId>/`: every derivative of one image lives here. */
export function derivativeFolder(image: Pick<ImageRecord, "id" | "companyId" | "productId">): string {
  const sample = derivativeKey(image.companyId, image.productId, image.id, 1, "webp");
  return sample.slice(0, sample.lastIndexOf("/") + 1);
}

/**
 * Deletes every object an image can have: the original, the recorded derivatives, the keys the
 * current settings would produce, and whatever sits in the image's own derivative folder (a run
 * that died before recording its derivatives, or an older width setting). Listing that one small
 * folder is cheap and bounded; it is not a bucket listing. Returns the keys it asked to delete.
 */
export async function deleteImageObjects(storage: Storage, image: ImageIdentity, settings: DerivativeSettings): Promise<string[]> {
  const keys = new Set<string>([image.key, ...image.derivatives.map((derivative) => derivative.key)]);
  for (const width of settings.derivativeWidths) {
    for (const format of settings.derivativeFormats) keys.add(derivativeKey(image.companyId, image.productId, image.id, width, format));
  }
  for await (const object of storage.list(derivativeFolder(image))) keys.add(object.key);
  const all = [...keys];
  await storage.delete(all);
  return all;
}
