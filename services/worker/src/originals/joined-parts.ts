/**
 * The kept parts of a file joined into one buffer. When they are the whole file, in order and
 * touching (nothing was dropped: the common case, a file already clean), the file itself is
 * returned, not a copy: the worker's originals are megabytes, and a copy of one is as dear as
 * the checks around it. Callers may test `result === bytes` to learn that nothing changed.
 */
export function joinedParts(bytes: Buffer, parts: readonly Uint8Array[]): Buffer {
  let expected = bytes.byteOffset;
  for (const part of parts) {
    if (part.buffer !== bytes.buffer || part.byteOffset !== expected) return Buffer.concat(parts);
    expected += part.byteLength;
  }
  return expected === bytes.byteOffset + bytes.byteLength ? bytes : Buffer.concat(parts);
}
