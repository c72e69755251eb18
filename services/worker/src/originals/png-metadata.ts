import { joinedParts } from "./joined-parts.ts";

/**
 * Keeps only the PNG chunks that define the pixels and how they are shown (colours, and pHYs: the
 * pixels' aspect ratio and density, nine bytes that name no one); drops text chunks (tEXt/zTXt/iTXt
 * can carry anything), eXIf, timestamps, APNG animation chunks (the frames after the first were
 * never decoded, so they are never served) and anything after IEND. The image data is copied byte
 * for byte; a file with nothing to drop comes back as itself.
 * Returns null when the bytes are not a chunk sequence that ends with IEND.
 */
const KEPT_CHUNKS = new Set(["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs"]);
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function stripPngMetadata(bytes: Buffer): Buffer | null {
  if (bytes.length < 8 || SIGNATURE.some((byte, index) => bytes[index] !== byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (KEPT_CHUNKS.has(type)) parts.push(bytes.subarray(offset, end));
    if (type === "IEND") return joinedParts(bytes, parts);
    offset = end;
  }
  return null;
}
