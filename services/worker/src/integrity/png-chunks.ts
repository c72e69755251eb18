import { crc32 } from "node:zlib";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The PNG spec's limit on a chunk's length (2^31 - 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

/**
 * Walks a PNG's chunks and checks each one's CRC, before any decoder sees the bytes. libspng
 * (sharp's PNG decoder) checks the header's CRC but lets a bad CRC in the last image-data
 * chunk, in ancillary chunks and in IEND through, and accepts a file with no IEND at all; a
 * chunk whose CRC does not match was damaged (or forged), so it is refused as such. Bytes after
 * IEND are left to metadata stripping (they are never served). A CRC over the whole file costs
 * about a millisecond per megabyte. Returns what is wrong, or null.
 */
export function findPngDefect(bytes: Uint8Array): string | null {
  if (bytes.length < 8 || SIGNATURE.some((byte, index) => bytes[index] !== byte)) return "no PNG signature";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let index = 0;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    if (length > MAX_CHUNK_LENGTH) return `chunk ${index} declares ${length} bytes`;
    const end = offset + 12 + length;
    if (end > bytes.length) return `chunk ${index} is cut off`;
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) return `chunk ${index} has an invalid type`;
    if (index === 0 && (type !== "IHDR" || length !== 13)) return "the first chunk is not a 13-byte IHDR";
    const stored = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored) return `bad CRC in chunk ${type} (${index})`;
    if (type === "IEND") return null;
    offset = end;
    index++;
  }
  return "the file ends before its IEND chunk";
}
