import type { ImageFormat } from "@ingest/shared";
import { findJpegDefect } from "./jpeg-segments.ts";
import { findPngDefect } from "./png-chunks.ts";
import { findWebpDefect } from "./webp-chunks.ts";

/**
 * What is structurally wrong with a file's container (chunks, CRCs, segment lengths), or null.
 * Checked before decoding, because the decoders let some damage through (see each checker);
 * a defect is a `corrupt` rejection. Linear in the file's size, no allocation.
 */
export function findContainerDefect(bytes: Uint8Array, format: ImageFormat): string | null {
  switch (format) {
    case "png":
      return findPngDefect(bytes);
    case "jpeg":
      return findJpegDefect(bytes);
    case "webp":
      return findWebpDefect(bytes);
  }
}
