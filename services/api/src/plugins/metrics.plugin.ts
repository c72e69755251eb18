import { bearerTokenOf, isAppError, tokenMatchesSha256 } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { ApiMetrics } from "../infrastructure/metrics.ts";
import { describeError } from "./error-handler.plugin.ts";

declare module "fastify" {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

const CONTENT_REJECTIONS = new Set([400, 413, 415, 422]);

/**
 * Counts every response by route template (never the raw URL: ids would explode the label set)
 * and serves the registry at GET /metrics, behind a bearer token when METRICS_TOKEN is set.
 */
async function metricsPlugin(app: FastifyInstance, options: { readonly metrics: ApiMetrics; readonly tokenSha256: string | undefined }): Promise<void> {
  const { metrics, tokenSha256 } = options;
  app.decorate("metrics", metrics);

  app.addHook("onResponse", async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.addHook("onError", async (request, _reply, error) => {
    if (isAppError(error, "busy")) metrics.uploadsRefused.inc({ reason: "admission" });
    const { status } = describeError(error);
    if (!CONTENT_REJECTIONS.has(status)) return;
    const reason = isAppError(error) ? error.code : error.validation ? "validation" : (error.code ?? "bad_request");
    metrics.rejections.inc({ route: request.routeOptions.url ?? "unmatched", status: String(status), reason });
  });

  app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    if (tokenSha256 !== undefined) {
      const token = bearerTokenOf(request.headers.authorization);
      if (token === null || !tokenMatchesSha256(token, tokenSha256)) {
        return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').send({ error: "Missing or invalid metrics token" });
      }
    }
    const body = await metrics.registry.metrics();
    return reply.header("content-type", metrics.registry.contentType).header("cache-control", "no-store").send(body);
  });
}

export default fp(metricsPlugin, { name: "metrics", fastify: "5.x", dependencies: ["error-handler"] });
