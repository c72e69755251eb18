import type { ImageFormat } from "@ingest/shared";
import { stripJpegMetadata } from "./jpeg-metadata.ts";
import { stripPngMetadata } from "./png-metadata.ts";
import { stripWebpMetadata } from "./webp-metadata.ts";

/**
 * A copy of an original without its metadata, made at the container level (the compressed pixels
 * are untouched), or null when that is not possible and the image must be re-encoded instead.
 */
export function stripMetadata(bytes: Buffer, format: ImageFormat): Buffer | null {
  switch (format) {
    case "jpeg":
      return stripJpegMetadata(bytes);
    case "png":
      return stripPngMetadata(bytes);
    case "webp":
      return stripWebpMetadata(bytes);
  }
}
