import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `tp_<12-char lookup id><43-char secret>`. The lookup id finds the stored
 * record; only a SHA-256 of the whole key is stored, and the check compares digests in
 * constant time. A key has 256 bits of randomness, so a fast hash is enough (no password
 * stretching needed), and verification stays cheap on every request.
 */
export const API_KEY_PREFIX = "tp_";
const LOOKUP_LENGTH = 12;
const KEY_PATTERN = /^tp_[A-Za-z0-9_-]{44,128}$/;

export interface GeneratedApiKey {
  readonly key: string;
  readonly lookupId: string;
  readonly hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const body = randomBytes(9).toString("base64url") + randomBytes(32).toString("base64url");
  const key = `${API_KEY_PREFIX}${body}`;
  return { key, lookupId: body.slice(0, LOOKUP_LENGTH), hash: hashApiKey(key) };
}

/** The lookup id of a well-formed key, or null for anything that cannot be one of ours. */
export function apiKeyLookupId(key: string): string | null {
  return KEY_PATTERN.test(key) ? key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + LOOKUP_LENGTH) : null;
}

/** Every authenticated request hashes its key: the one-shot `hash` skips a Hash object's setup. */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
