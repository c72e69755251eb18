import type { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { Config } from "../config/config.ts";
import { DependencyUnavailableError } from "../errors/dependency-unavailable.error.ts";
import { readBounded } from "./read-bounded.ts";
import { isSafeKey, MAX_KEY_LENGTH, type Storage } from "./storage.ts";

type S3Settings = Config["storage"]["s3"];

/**
 * AWS S3, Cloudflare R2, MinIO: anything that speaks the S3 API. Every call has a deadline
 * (`timeoutMs`, until the response headers; a streamed body is bounded by the socket's idle
 * timeout), and a call that misses it, or cannot reach the server, throws
 * DependencyUnavailableError, so a hung server never holds a request for longer.
 */
export function createS3Storage(settings: S3Settings): Storage & { ensureBucket(): Promise<void> } {
  const timeoutMs = settings.timeoutMs;
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    maxAttempts: 3,
    // No socket may sit idle past the deadline, nor a connection take longer to open.
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 2_000), socketTimeout: timeoutMs },
  });
  const Bucket = settings.bucket;
  const maxKeyLength = MAX_KEY_LENGTH - settings.keyPrefix.length;
  /** The bucket key, or null when no object can have this key (then nothing is asked). */
  const bucketKey = (key: string): string | null => (isSafeKey(key, maxKeyLength) ? `${settings.keyPrefix}${key}` : null);
  const fullKey = (key: string): string => {
    const full = bucketKey(key);
    if (full === null) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return full;
  };

  /** Runs one SDK call (given the abort signal to pass on) against the deadline. */
  async function withDeadline<T>(call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      return await call(deadline.signal);
    } catch (error) {
      if (deadline.signal.aborted || isUnreachable(error)) throw new DependencyUnavailableError("storage", error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: "s3",

    async put(key, body, { contentType, cacheControl }) {
      await withDeadline((abortSignal) => client.send(new PutObjectCommand({ Bucket, Key: fullKey(key), Body: body, ContentType: contentType, CacheControl: cacheControl }), { abortSignal }));
    },

    async get(key) {
      const Key = bucketKey(key);
      if (Key === null) return null;
      try {
        const out = await withDeadline((abortSignal) => client.send(new GetObjectCommand({ Bucket, Key }), { abortSignal }));
        return {
          body: out.Body as Readable,
          contentType: out.ContentType ?? "application/octet-stream",
          contentLength: out.ContentLength ?? 0,
          etag: out.ETag ?? null,
        };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async getBuffer(key, maxBytes) {
      const object = await this.get(key);
      return object ? readBounded(object.body, key, maxBytes) : null;
    },

    async exists(key) {
      const Key = bucketKey(key);
      if (Key === null) return false;
      try {
        await withDeadline((abortSignal) => client.send(new HeadObjectCommand({ Bucket, Key }), { abortSignal }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async delete(keys) {
      for (let start = 0; start < keys.length; start += 1000) {
        // A key no object can have is already deleted.
        const batch = keys.slice(start, start + 1000).flatMap((key) => {
          const Key = bucketKey(key);
          return Key === null ? [] : [{ Key }];
        });
        if (batch.length === 0) continue;
        const out = await withDeadline((abortSignal) => client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }), { abortSignal }));
        const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length > 0) throw new Error(`could not delete ${failed.length} object(s): ${failed[0]?.Code} ${failed[0]?.Message}`);
      }
    },

    async *list(prefix, options = {}) {
      let ContinuationToken: string | undefined;
      // S3 lists keys in byte order; StartAfter resumes a walk after the last key it saw.
      const StartAfter = options.startAfter === undefined ? undefined : `${settings.keyPrefix}${options.startAfter}`;
      do {
        const out = await withDeadline((abortSignal) =>
          client.send(new ListObjectsV2Command({ Bucket, Prefix: `${settings.keyPrefix}${prefix}`, ContinuationToken, ...(ContinuationToken ? {} : { StartAfter }) }), { abortSignal }),
        );
        for (const item of out.Contents ?? []) {
          if (!item.Key) continue;
          yield { key: item.Key.slice(settings.keyPrefix.length), size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) };
        }
        ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket }), { abortSignal: AbortSignal.timeout(2_000) });
    },

    async ensureBucket() {
      try {
        await withDeadline((abortSignal) => client.send(new HeadBucketCommand({ Bucket }), { abortSignal }));
      } catch (error) {
        if (!isMissing(error)) throw error;
        await withDeadline((abortSignal) => client.send(new CreateBucketCommand({ Bucket }), { abortSignal }));
      }
    },

    close() {
      client.destroy();
    },
  };
}

/** Network failures, timeouts and the server's own 5xx (after the SDK's retries): not the request's fault. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
function isUnreachable(error: unknown): boolean {
  if (error instanceof S3ServiceException) return (error.$metadata.httpStatusCode ?? 0) >= 500;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === "TimeoutError" || name === "AbortError" || UNREACHABLE_CODES.has(code as string);
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchBucket"))
  );
}
