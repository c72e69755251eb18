import rateLimit from "@fastify/rate-limit";
import { AppError, type Config, formatRateLimit, type RateLimit, type Redis } from "@ingest/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { ApiMetrics } from "../infrastructure/metrics.ts";
import { principalOf } from "./auth.plugin.ts";

export type RateLimitBucket = "uploads" | "requests";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Which per-credential budget a route spends; default `requests`. */
    rateLimitBucket?: RateLimitBucket;
  }
}

export interface RateLimitPluginOptions {
  readonly settings: Config["operators"]["rateLimit"];
  /** The limiter's own client: a short command timeout, no offline queue (see main.ts). */
  readonly redis: Redis;
  /** Counter keys live under `<prefix>:ratelimit:`, beside the queues. */
  readonly keyPrefix: string;
  readonly metrics: ApiMetrics;
}

/**
 * Per-credential limits with @fastify/rate-limit, counted in Redis so every replica shares them.
 * It runs as a preHandler, after `authorize` has named the credential. A key's own limit (stored
 * with it) replaces the configured one for both budgets. When Redis does not answer within its
 * command timeout the request goes through (skipOnError): a limiter outage must not become an API
 * outage, as uploads already survive Redis being away.
 */
async function rateLimitPlugin(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const { settings, metrics } = options;
  const bucketOf = (request: FastifyRequest): RateLimitBucket => request.routeOptions.config.rateLimitBucket ?? "requests";
  const limitOf = (request: FastifyRequest): RateLimit => principalOf(request).rateLimit ?? settings[bucketOf(request)];

  await app.register(rateLimit, {
    global: true,
    hook: "preHandler",
    redis: options.redis,
    nameSpace: `${options.keyPrefix}:ratelimit:`,
    skipOnError: true,
    keyGenerator: (request) => `${bucketOf(request)}:${principalOf(request).credentialId}`,
    max: (request) => limitOf(request).max,
    timeWindow: (request) => limitOf(request).windowMs,
    onExceeded: (request) => metrics.rateLimited.inc({ bucket: bucketOf(request) }),
    // The plugin has set Retry-After and x-ratelimit-* by now; the error handler keeps them.
    errorResponseBuilder: (request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError("rate_limited", `Rate limit exceeded (${formatRateLimit(limitOf(request))} for this credential); retry in ${seconds} s.`);
    },
  });
}

export default fp(rateLimitPlugin, { name: "rate-limit", fastify: "5.x", dependencies: ["auth"] });
