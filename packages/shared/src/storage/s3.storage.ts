import { createReadStream } from "node:fs";
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
import { readBounded } from "./read-bounded.ts";
import { isSafeKey, type Storage } from "./storage.ts";

type S3Settings = Config["storage"]["s3"];

/** AWS S3, Cloudflare R2, MinIO: anything that speaks the S3 API. */
export function createS3Storage(settings: S3Settings): Storage & { ensureBucket(): Promise<void> } {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    maxAttempts: 3,
  });
  const Bucket = settings.bucket;
  const fullKey = (key: string): string => {
    if (!isSafeKey(key)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return `${settings.keyPrefix}${key}`;
  };

  return {
    name: "s3",

    async put(key, body, { contentType, cacheControl }) {
      // A spooled body streams from its file with its length declared: never read into memory.
      const payload = Buffer.isBuffer(body) ? { Body: body } : { Body: createReadStream(body.path), ContentLength: body.size };
      await client.send(new PutObjectCommand({ Bucket, Key: fullKey(key), ...payload, ContentType: contentType, CacheControl: cacheControl }));
    },

    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: fullKey(key) }));
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
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: fullKey(key) }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async delete(keys) {
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000).map((key) => ({ Key: fullKey(key) }));
        const out = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }));
        const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length > 0) throw new Error(`could not delete ${failed.length} object(s): ${failed[0]?.Code} ${failed[0]?.Message}`);
      }
    },

    async *list(prefix, options = {}) {
      let ContinuationToken: string | undefined;
      // S3 lists keys in byte order; StartAfter resumes a walk after the last key it saw.
      const StartAfter = options.startAfter === undefined ? undefined : `${settings.keyPrefix}${options.startAfter}`;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: `${settings.keyPrefix}${prefix}`, ContinuationToken, ...(ContinuationToken ? {} : { StartAfter }) }),
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
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (error) {
        if (!isMissing(error)) throw error;
        await client.send(new CreateBucketCommand({ Bucket }));
      }
    },

    close() {
      client.destroy();
    },
  };
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchBucket"))
  );
}
