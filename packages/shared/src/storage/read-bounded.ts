import type { Readable } from "node:stream";
import { ObjectTooLargeError } from "./storage.ts";

/** Collects a stream into one buffer, giving up (and destroying the stream) past `maxBytes`. */
export async function readBounded(stream: Readable, key: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += bytes.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new ObjectTooLargeError(key, maxBytes);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}
