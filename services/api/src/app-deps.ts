import type { Config, JobQueue, MongoConnection, Redis, Repositories, Storage } from "@ingest/shared";
import type { JWTVerifyGetKey } from "jose";
import type { ServiceEvents } from "./services/create-services.ts";

/** The open connections an app is built from. The app owns them from then on and closes them. */
export interface AppDeps {
  readonly config: Config;
  readonly mongo: MongoConnection;
  readonly repositories: Repositories;
  readonly redis: Redis;
  readonly storage: Storage;
  readonly queue: JobQueue;
  /** OAuth verification keys; null when no JWKS is configured (then only API keys work). */
  readonly jwks: JWTVerifyGetKey | null;
  /** Listeners for metrics (admission decisions); none by default. */
  readonly events?: ServiceEvents;
}
