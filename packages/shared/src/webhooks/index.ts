/** `@ingest/shared/webhooks`: event types, the port, signatures, the URL guard, sealed secrets (node:crypto, node:dns only). */
export * from "./register-endpoint.ts";
export * from "./secret-box.ts";
export * from "./webhook.repository.ts";
export * from "./webhook.types.ts";
export * from "./webhook-signature.ts";
export * from "./webhook-url.ts";
