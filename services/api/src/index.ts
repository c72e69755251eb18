export type { AppDeps } from "./app-deps.ts";
export { appPlugin, createApp, serverOptions } from "./app.ts";
export { loadJwks } from "./auth/oauth.authenticator.ts";
export * from "./errors/error-messages.ts";
export { MAX_FILE_BYTES } from "./services/upload.service.ts";
