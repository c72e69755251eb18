import type { ImageRepository } from "@ingest/shared";

/** Derivatives, and originals the worker has finished, never change under their key. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/**
 * An original still in processing may yet be rewritten in place, without its metadata (GPS and
 * the like): caches must ask again rather than keep these bytes for a year.
 */
export const REVALIDATE = "public, no-cache";

const ORIGINAL_KEY = /^[A-Za-z0-9_-]+\/products\/[0-9a-f]{24}\/images\/([0-9a-f]{24})\.(png|jpg|webp)$/;

export function createFileCachePolicy(images: ImageRepository) {
  return async function cacheControlFor(key: string): Promise<string> {
    const imageId = ORIGINAL_KEY.exec(key)?.[1];
    if (imageId === undefined) return IMMUTABLE;
    const image = await images.find(imageId);
    return image?.status === "ready" ? IMMUTABLE : REVALIDATE;
  };
}
