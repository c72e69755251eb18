/**
 * Rebuilds a still WebP from the chunks that define its pixels (VP8/VP8L, ALPH) and colours
 * (ICCP), dropping EXIF, XMP, unknown chunks and trailing bytes; the VP8X flags are corrected to
 * match. Animated files return null: they are re-encoded from their first frame instead, because
 * the other frames were never decoded.
 */
const FLAG_EXIF = 0x08;
const FLAG_XMP = 0x04;
const FLAG_ANIMATION = 0x02;
const KEPT_EXTENDED = new Set(["VP8X", "ICCP", "ALPH", "VP8 ", "VP8L"]);

interface Chunk {
  readonly fourcc: string;
  readonly bytes: Uint8Array; // header, payload and padding
  readonly payload: Uint8Array;
}

export function stripWebpMetadata(bytes: Uint8Array): Buffer | null {
  const chunks = readChunks(bytes);
  const first = chunks?.[0];
  if (!chunks || !first) return null;
  if (first.fourcc === "VP8 " || first.fourcc === "VP8L") return riff([first.bytes]);
  if (first.fourcc !== "VP8X" || first.payload.length < 10) return null;
  if ((first.payload[0]! & FLAG_ANIMATION) !== 0 || chunks.some((c) => c.fourcc === "ANIM" || c.fourcc === "ANMF")) return null;
  const kept = chunks.filter((chunk) => KEPT_EXTENDED.has(chunk.fourcc));
  if (!kept.some((chunk) => chunk.fourcc === "VP8 " || chunk.fourcc === "VP8L")) return null;
  const header = Buffer.from(first.bytes);
  header[8] = header[8]! & ~(FLAG_EXIF | FLAG_XMP);
  return riff([header, ...kept.slice(1).map((chunk) => chunk.bytes)]);
}

/** Whether the (first frame's) image data is lossless, so a re-encode can stay lossless. */
export function isLosslessWebp(bytes: Uint8Array): boolean {
  for (const chunk of readChunks(bytes) ?? []) {
    if (chunk.fourcc === "VP8L") return true;
    if (chunk.fourcc === "VP8 ") return false;
    if (chunk.fourcc === "ANMF") {
      // A frame holds 16 bytes of placement, then its own ALPH/VP8/VP8L chunks.
      const inner = readChunkList(chunk.payload, 16) ?? [];
      return inner.some((c) => c.fourcc === "VP8L");
    }
  }
  return false;
}

function readChunks(bytes: Uint8Array): Chunk[] | null {
  if (bytes.length < 12 || ascii(bytes, 0) !== "RIFF" || ascii(bytes, 8) !== "WEBP") return null;
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  return readChunkList(bytes.subarray(0, Math.min(bytes.length, 8 + declared)), 12);
}

function readChunkList(bytes: Uint8Array, start: number): Chunk[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let offset = start;
  while (offset + 8 <= bytes.length) {
    const size = view.getUint32(offset + 4, true);
    const end = offset + 8 + size + (size & 1);
    if (offset + 8 + size > bytes.length) return null;
    chunks.push({
      fourcc: ascii(bytes, offset),
      bytes: bytes.subarray(offset, Math.min(end, bytes.length)),
      payload: bytes.subarray(offset + 8, offset + 8 + size),
    });
    offset = end;
  }
  return chunks;
}

function riff(chunks: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(chunks.map((chunk) => (chunk.length % 2 === 1 ? Buffer.concat([chunk, Buffer.alloc(1)]) : chunk)));
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length + 4, 4);
  header.write("WEBP", 8, "latin1");
  return Buffer.concat([header, body]);
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}
