/**
 * Where a JPEG scan's entropy-coded data ends: at the first marker that is not a stuffed 0x00, a
 * restart marker (RST0–7) or fill (0xFF 0xFF). Shared by the metadata stripper and the integrity
 * check, which both walk segments past a scan.
 */
export function endOfEntropyData(bytes: Uint8Array, start: number): number {
  let offset = start;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] === 0xff) {
      const next = bytes[offset + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        offset += 2;
        continue;
      }
      if (next !== 0xff) return offset;
    }
    offset += 1;
  }
  return bytes.length;
}
