import type { ImageFormat } from "@ingest/shared";

/**
 * What a served original still carries that the worker promises to drop, read by walking its
 * container: written apart from the strippers in src/ so that a bug there is not repeated here.
 * EXIF (and so GPS) lives in PNG eXIf, JPEG APP1 and WebP EXIF; XMP in iTXt, APP1 and XMP.
 */
const PNG_METADATA = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]);
/** APP2 holds the ICC profile and APP14 (Adobe) how to read CMYK/RGB; every other APPn and COM is metadata. */
const JPEG_KEPT_APP = new Set([0xe0, 0xe2, 0xee]);
const WEBP_METADATA = new Set(["EXIF", "XMP "]);

export function metadataLeft(bytes: Buffer, format: ImageFormat): string[] {
  if (format === "png") return pngChunkTypes(bytes).filter((type) => PNG_METADATA.has(type));
  if (format === "webp") return webpFourccs(bytes).filter((fourcc) => WEBP_METADATA.has(fourcc));
  return jpegMarkers(bytes)
    .filter((marker) => marker === 0xfe || (marker >= 0xe0 && marker <= 0xef && !JPEG_KEPT_APP.has(marker)))
    .map((marker) => `0xff${marker.toString(16)}`);
}

/** Where the container really ends (IEND, the RIFF size, EOI), or null when it has no end. */
export function containerEnd(bytes: Buffer, format: ImageFormat): number | null {
  if (format === "webp") return 8 + bytes.readUInt32LE(4);
  if (format === "jpeg") return bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9 ? bytes.length : null;
  const iend = bytes.lastIndexOf(Buffer.from("IEND", "latin1"));
  return iend < 0 ? null : iend + 8;
}

function pngChunkTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) types.push(bytes.toString("latin1", at + 4, at + 8));
  return types;
}

function webpFourccs(bytes: Buffer): string[] {
  const fourccs: string[] = [];
  for (let at = 12; at + 8 <= bytes.length; at += 8 + bytes.readUInt32LE(at + 4) + (bytes.readUInt32LE(at + 4) & 1)) fourccs.push(bytes.toString("latin1", at, at + 4));
  return fourccs;
}

/** Every marker with a length, scans included (metadata may sit between a progressive file's scans). */
function jpegMarkers(bytes: Buffer): number[] {
  const markers: number[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xd9) break;
    markers.push(marker);
    at += 2 + bytes.readUInt16BE(at + 2);
    if (marker !== 0xda) continue;
    // Entropy-coded data runs to the first 0xff that is not a stuffed zero, a restart marker or fill.
    while (at + 1 < bytes.length && !(bytes[at] === 0xff && isMarkerStart(bytes[at + 1]!))) at++;
  }
  return markers;
}

function isMarkerStart(next: number): boolean {
  return next !== 0x00 && next !== 0xff && (next < 0xd0 || next > 0xd7);
}
