import { createHash } from "node:crypto";
import { parseRateLimit, type RateLimit } from "../limits/rate-limit.ts";
import { DEFAULT_DURABILITY, DURABILITIES, type Durability, STORE_KINDS, type StoreSettings } from "../store/store.ts";
import type { ConfigReader, EnvMap } from "./config-reader.ts";

/** Readers of the values that need more than ConfigReader's plain types: the store, budgets, secrets. */

/** MongoDB when asked for, or when MONGO_URL is set and STORE is not; else the embedded SQLite file. */
export function readStore(read: ConfigReader, env: EnvMap, timeoutMs: number, durability: Durability): StoreSettings {
  const kind = read.oneOf("STORE", STORE_KINDS, env.MONGO_URL ? "mongodb" : "sqlite");
  if (kind === "sqlite") return { kind, path: read.string("SQLITE_PATH", ".data/ingest.sqlite"), durability };
  return {
    kind,
    url: read.url("MONGO_URL", "mongodb://127.0.0.1:27017", ["mongodb:", "mongodb+srv:"]),
    dbName: read.string("MONGO_DB", "image_ingest"),
    timeoutMs,
  };
}

/** DURABILITY (see Durability): `crash` unless asked for `power`. */
export function readDurability(read: ConfigReader): Durability {
  return read.oneOf("DURABILITY", DURABILITIES, DEFAULT_DURABILITY);
}

export function rateLimit(read: ConfigReader, name: string, fallback: string): RateLimit {
  const text = read.string(name, fallback);
  try {
    return parseRateLimit(text);
  } catch (error) {
    read.problem(`${name}: ${(error as Error).message}`);
    return parseRateLimit(fallback);
  }
}

/** A secret given in plain text is kept only as its sha256, so the config object never holds it. */
export function secretSha256(read: ConfigReader, name: string): string | undefined {
  const secret = read.optionalString(name);
  if (secret === undefined) return undefined;
  if (secret.length < 16) read.problem(`${name} must be at least 16 characters`);
  return createHash("sha256").update(secret).digest("hex");
}

/** A sha256 given as 64 hex characters. */
export function sha256Hex(read: ConfigReader, name: string): string | undefined {
  return hex64(read, name, (value) => `${name} must be 64 hex characters (a sha256), got ${value.length} characters`);
}

/** A 256-bit key given as 64 hex characters (e.g. `openssl rand -hex 32`). */
export function hexKey(read: ConfigReader, name: string): string | undefined {
  return hex64(read, name, () => `${name} must be 64 hex characters (32 random bytes: openssl rand -hex 32)`);
}

function hex64(read: ConfigReader, name: string, problem: (value: string) => string): string | undefined {
  const value = read.optionalString(name)?.toLowerCase();
  if (value !== undefined && !/^[0-9a-f]{64}$/.test(value)) read.problem(problem(value));
  return value;
}
