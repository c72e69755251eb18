import type { Config, JobQueue, Redis, Storage, Store } from "@ingest/shared";
import type { JWTVerifyGetKey } from "jose";

/** The open connections an app is built from. The app owns them from then on and closes them. */
export interface AppDeps {
  readonly config: Config;
  /** The database (SQLite or MongoDB) with its repositories. */
  readonly store: Store;
  readonly redis: Redis;
  readonly storage: Storage;
  readonly queue: JobQueue;
  /** OAuth verification keys; null when no JWKS is configured (then only API keys work). */
  readonly jwks: JWTVerifyGetKey | null;
}
