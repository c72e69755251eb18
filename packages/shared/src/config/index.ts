/** `@ingest/shared/config`: no I/O library behind it, so a CLI `--help` can load it for free. */
export * from "./config.ts";
export { ConfigError, type EnvMap } from "./config-reader.ts";
export * from "./load-config.ts";
