import { endOfEntropyData } from "../images/jpeg-entropy-data.ts";
import { joinedParts } from "./joined-parts.ts";

/**
 * Drops every JPEG segment that is not needed to decode the pixels and their colours: EXIF
 * (GPS, camera serials), XMP, IPTC, comments, embedded thumbnails and anything after the end
 * marker (a second image, an appended archive, a polyglot payload). The compressed image data is
 * copied byte for byte, so the pixels are exactly the ones the worker decoded.
 *
 * Kept: the tables, frame and scan headers, restart markers, JFIF without a thumbnail, the ICC
 * profile (APP2) and Adobe's APP14 (it says how to read CMYK and RGB-coded files).
 * Returns null when the bytes are not well-formed segments up to an end marker.
 */
export function stripJpegMetadata(bytes: Buffer): Buffer | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  let offset = 2;
  while (offset + 2 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0xd9) {
      parts.push(bytes.subarray(offset, offset + 2));
      return joinedParts(bytes, parts);
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) return null; // not expected between segments
    if (offset + 4 > bytes.length) return null;
    const end = offset + 2 + ((bytes[offset + 2]! << 8) | bytes[offset + 3]!);
    if (end > bytes.length || end < offset + 4) return null;
    const segment = bytes.subarray(offset, end);
    if (keepSegment(marker, segment)) parts.push(segment);
    offset = end;
    if (marker === 0xda) {
      const dataEnd = endOfEntropyData(bytes, offset);
      parts.push(bytes.subarray(offset, dataEnd));
      offset = dataEnd;
    }
  }
  return null;
}

function keepSegment(marker: number, segment: Uint8Array): boolean {
  if (marker === 0xfe) return false; // COM
  if (marker < 0xe0 || marker > 0xef) return true; // tables, frame, scan, restart interval...
  const payload = segment.subarray(4);
  // JFIF with no thumbnail is exactly 14 bytes of payload; one with a thumbnail is dropped whole.
  if (marker === 0xe0) return startsWith(payload, "JFIF\0") && payload.length === 14;
  if (marker === 0xe2) return startsWith(payload, "ICC_PROFILE\0");
  if (marker === 0xee) return startsWith(payload, "Adobe");
  return false;
}


function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
