/** `@ingest/shared/mongo`: the MongoDB connection and the repositories over it (loads mongodb). */
export * from "../repositories.ts";
export * from "./mongo-client.ts";
