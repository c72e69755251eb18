/**
 * Checks a WebP's RIFF container before any decoder sees it: an even RIFF size that the file
 * holds, and chunks that fill it exactly, each within it. libwebp refuses most broken headers
 * itself; this closes what it does not look at (a chunk after the image data that runs past
 * the RIFF end, a RIFF size that cuts a chunk in half). Bytes after the RIFF are left to
 * metadata stripping (they are never served). Returns what is wrong, or null.
 */
export function findWebpDefect(bytes: Uint8Array): string | null {
  if (bytes.length < 20 || ascii(bytes, 0) !== "RIFF" || ascii(bytes, 8) !== "WEBP") return "no RIFF/WEBP header";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  if (riffSize % 2 === 1) return `odd RIFF size ${riffSize}`;
  const end = 8 + riffSize;
  if (end > bytes.length) return `the RIFF size says ${end} bytes, the file has ${bytes.length}`;
  let offset = 12;
  let chunks = 0;
  while (offset < end) {
    if (offset + 8 > end) return "a chunk header is cut off by the RIFF end";
    const size = view.getUint32(offset + 4, true);
    const next = offset + 8 + size + (size & 1);
    if (next > end) return `chunk ${ascii(bytes, offset)} runs past the RIFF end`;
    offset = next;
    chunks++;
  }
  return chunks === 0 ? "no chunks" : null;
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}
