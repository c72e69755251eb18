/** `@ingest/shared/store`: the Store port and the repository ports (types only; adapters are in @ingest/store). */
export * from "../repositories.ts";
export * from "./store.ts";
export * from "./store-transfer.ts";
