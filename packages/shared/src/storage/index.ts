/** `@ingest/shared/storage`: the Storage port and the folder adapter; the S3 one is `@ingest/shared/storage/s3` (it loads the AWS SDK). */
export * from "./create-storage.ts";
export * from "./fs.storage.ts";
export * from "./storage.ts";
