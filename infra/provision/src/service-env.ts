import type { S3Settings, ServiceSettings } from "./service-settings.ts";

/** The environment variables through which the API, the worker and the CLI find the servers. */
export function toServiceEnv(settings: ServiceSettings): Record<string, string> {
  return { MONGO_URL: settings.mongoUrl, REDIS_URL: settings.redisUrl, ...toS3Env(settings.s3) };
}

/** The S3 driver's variables for one S3 server. */
export function toS3Env(s3: S3Settings): Record<string, string> {
  return {
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
  };
}
