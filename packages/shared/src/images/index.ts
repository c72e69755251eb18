/** `@ingest/shared/images`: the ledger's types and storage keys; sniffing (file-type) is not here. */
export * from "./image.repository.ts";
export * from "./image.types.ts";
export * from "./image-keys.ts";
