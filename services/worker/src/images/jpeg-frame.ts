/**
 * Reads a JPEG's frame header (SOFn) without decoding, so variants the decoder cannot handle are
 * named as such (`unsupported_variant`) rather than lumped in with corrupt files.
 */
export interface JpegFrame {
  /** The SOF marker's second byte: 0xc0 baseline, 0xc2 progressive, 0xc3 lossless, ... */
  readonly marker: number;
  /** Bits per sample: 8 for everything browsers show; 12 and 16 exist in medical/scientific files. */
  readonly precision: number;
  readonly components: number;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const LOSSLESS_MARKERS = new Set([0xc3, 0xc7, 0xcb, 0xcf]);
const HIERARCHICAL_MARKERS = new Set([0xc5, 0xc6, 0xc7, 0xcd, 0xce, 0xcf]);

/** The first frame header, or null when the bytes do not reach one in well-formed segments. */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan or end before any frame header
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2) return null;
    if (SOF_MARKERS.has(marker)) {
      if (offset + 10 > bytes.length) return null;
      return { marker, precision: bytes[offset + 4]!, components: bytes[offset + 9]! };
    }
    offset += 2 + length;
  }
  return null;
}

/** Why a frame is a variant we do not accept, or null when it is an ordinary 8-bit JPEG. */
export function unsupportedJpegVariant(frame: JpegFrame): string | null {
  if (frame.precision !== 8) return `${frame.precision}-bit JPEG`;
  if (LOSSLESS_MARKERS.has(frame.marker)) return "lossless JPEG";
  if (HIERARCHICAL_MARKERS.has(frame.marker)) return "hierarchical JPEG";
  if (frame.components !== 1 && frame.components !== 3 && frame.components !== 4) return `JPEG with ${frame.components} components`;
  return null;
}
