import type { Config, JobQueue, Redis, Storage, Store } from "@ingest/shared";
import type { FastifyPluginCallback } from "fastify";
import type { JWTVerifyGetKey } from "jose";
import type { ServiceEvents } from "./services/create-services.ts";

/** The open connections an app is built from. The app owns them from then on and closes them. */
export interface AppDeps {
  readonly config: Config;
  /** The database (SQLite or MongoDB) with its repositories. */
  readonly store: Store;
  readonly redis: Redis;
  readonly storage: Storage;
  readonly queue: JobQueue;
  /** The rate limiter's own Redis client (short command timeout); used when limits are enabled. */
  readonly rateLimitRedis: Redis;
  /** OAuth verification keys; null when no JWKS is configured (then only API keys work). */
  readonly jwks: JWTVerifyGetKey | null;
  /** Listeners for metrics (admission decisions); none by default. */
  readonly events?: ServiceEvents;
  /** @fastify/otel's plugin when tracing is on (see infrastructure/tracing.ts); absent: no tracing. */
  readonly tracingPlugin?: FastifyPluginCallback;
}
