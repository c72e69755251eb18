/** `@ingest/shared/storage`: the Storage port and both adapters (loads the AWS SDK). */
export * from "./create-storage.ts";
export * from "./fs.storage.ts";
export * from "./s3.storage.ts";
export * from "./storage.ts";
