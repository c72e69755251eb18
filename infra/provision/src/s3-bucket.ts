import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "./service-settings.ts";

export function createS3Client(s3: S3Settings): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** Creates the bucket unless it exists. */
export async function ensureBucket(s3: S3Settings): Promise<void> {
  const client = createS3Client(s3);
  try {
    try {
      await client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
      return;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    }
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  } finally {
    client.destroy();
  }
}

/** The `Server` header of the endpoint ("MinIO", "AmazonS3"), or undefined. */
export async function s3ServerHeader(endpoint: string): Promise<string | undefined> {
  try {
    const response = await fetch(endpoint, { method: "HEAD", signal: AbortSignal.timeout(2_000) });
    return response.headers.get("server") ?? undefined;
  } catch {
    return undefined;
  }
}
