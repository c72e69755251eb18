import { endOfEntropyData } from "../images/jpeg-entropy-data.ts";

/**
 * Walks a JPEG's marker segments to its end-of-image marker before any decoder sees it. libjpeg
 * reports a file cut off mid-scan, but one whose missing end is padded (with zeros, say) decodes
 * "successfully" into grey; requiring well-formed segments, a frame header, a scan and the EOI
 * marker refuses it. Bytes after EOI (cameras write them; so do polyglots) are left to metadata
 * stripping, which never serves them. Returns what is wrong, or null.
 */
export function findJpegDefect(bytes: Uint8Array): string | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return "no JPEG start marker";
  let offset = 2;
  let sawFrame = false;
  let sawScan = false;
  while (offset + 2 <= bytes.length) {
    if (bytes[offset] !== 0xff) return `no marker at byte ${offset}`;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return sawFrame && sawScan ? null : "the image ends before its frame and scan";
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // no length
      continue;
    }
    if (marker === 0xd8 || marker === 0x00) return `unexpected marker 0x${marker.toString(16)} at byte ${offset}`;
    if (offset + 4 > bytes.length) return "a segment header is cut off";
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2 || offset + 2 + length > bytes.length) return `segment 0x${marker.toString(16)} runs past the end`;
    if ((marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)) sawFrame = true;
    offset += 2 + length;
    if (marker === 0xda) {
      sawScan = true;
      offset = endOfEntropyData(bytes, offset);
    }
  }
  return "the file ends before its EOI marker";
}

