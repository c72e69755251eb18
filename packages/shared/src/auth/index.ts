/** `@ingest/shared/auth`: keys, scopes and the credential repository's types (node:crypto only). */
export * from "./api-key.ts";
export * from "./credential.repository.ts";
export * from "./scopes.ts";
// A key may carry its own rate limit.
export * from "../limits/rate-limit.ts";
