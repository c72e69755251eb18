import type { Readable } from "node:stream";

export interface StoredObject {
  readonly body: Readable;
  readonly contentType: string;
  readonly contentLength: number;
  readonly etag: string | null;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/**
 * Where image bytes live. Keys are relative (`<companyId>/products/...`); an adapter may add
 * its own prefix. Every method is idempotent where that makes sense: deleting a missing key
 * succeeds, so cleanup can always be retried.
 */
/**
 * A body waiting in a local file (an upload's spool). The adapter may move the file into place
 * (the folder store renames it) and then calls `moved`; the caller deletes whatever is left at the
 * path afterwards, and knows from `moved` that nothing is.
 */
export interface FileBody {
  readonly path: string;
  readonly size: number;
  moved?(): void;
}

export interface Storage {
  readonly name: "s3" | "fs";
  put(key: string, body: Buffer | FileBody, options: { contentType: string; cacheControl?: string }): Promise<void>;
  /** Null when the key does not exist. */
  get(key: string): Promise<StoredObject | null>;
  /** Reads a whole object, refusing one larger than `maxBytes`. Null when it does not exist. */
  getBuffer(key: string, maxBytes: number): Promise<Buffer | null>;
  exists(key: string): Promise<boolean>;
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Every key under a prefix in key order (byte order), page by page; with `startAfter`, only the
   * keys after it, so a long walk can stop and resume. For the rare full audit, never for routine work.
   */
  list(prefix: string, options?: { startAfter?: string }): AsyncIterable<ObjectSummary>;
  /** Throws when the store does not answer. */
  ping(): Promise<void>;
  close(): void;
}

/**
 * What every backend can hold: S3 keys are at most 1024 bytes (prefix included), and MinIO and
 * local file systems take at most 255 bytes per path segment. Our own keys stay far below both.
 */
export const MAX_KEY_LENGTH = 1024;
export const MAX_KEY_SEGMENT_LENGTH = 255;

/**
 * A safe relative key that every backend can hold: no leading slash, no `..`, no empty segments,
 * only plain (ASCII, so one byte each) characters, within the length limits. A key that fails
 * this cannot name a stored object, so a lookup of it is "not found" without asking the backend.
 */
export function isSafeKey(key: string, maxLength = MAX_KEY_LENGTH): boolean {
  if (key.length > maxLength || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key)) return false;
  return key.split("/").every((part) => part !== "." && part !== ".." && part.length <= MAX_KEY_SEGMENT_LENGTH);
}

export class ObjectTooLargeError extends Error {
  constructor(key: string, maxBytes: number) {
    super(`object ${key} is larger than ${maxBytes} bytes`);
    this.name = "ObjectTooLargeError";
  }
}
