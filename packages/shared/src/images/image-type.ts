import { fileTypeFromBuffer } from "file-type";
import type { ImageFormat } from "./image.types.ts";

/** Bytes enough for file-type to recognise PNG, JPEG and WebP (and their look-alikes). */
export const SNIFF_BYTES = 4_100;

const FORMAT_BY_MIME: Readonly<Record<string, ImageFormat>> = {
  "image/png": "png",
  // An animated PNG is a valid PNG: it is accepted, and derivatives use its first frame.
  "image/apng": "png",
  "image/jpeg": "jpeg",
  "image/webp": "webp",
};

/** The real format of the bytes, from their magic numbers; null for anything we do not accept. */
export async function sniffImageFormat(bytes: Uint8Array): Promise<ImageFormat | null> {
  const detected = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  return detected ? (FORMAT_BY_MIME[detected.mime] ?? null) : null;
}
