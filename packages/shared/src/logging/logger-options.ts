import type { LoggerOptions } from "pino";

/**
 * Paths pino must never print. Credentials arrive in the Authorization header and, for the CLI,
 * in key material; connection strings can carry passwords.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "apiKey",
  "token",
  "secret",
  "*.secret",
  "sealedSecret",
  "*.sealedSecret",
  "*.apiKey",
  "*.token",
  "*.secretAccessKey",
  "config.storage.s3.secretAccessKey",
] as const;

export function createLoggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}

/** Strips user:password from a URL before it is logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
