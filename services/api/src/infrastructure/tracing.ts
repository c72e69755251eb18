import type { Tracing } from "@ingest/shared";
import type { FastifyPluginCallback } from "fastify";

/** Routes polled by probes and scrapers: no span for each poll. */
const UNTRACED = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * @fastify/otel over the started tracer provider: a span per request (continuing a caller's
 * traceparent), with the handler as a child. Imported only when tracing is on.
 */
export async function createTracingPlugin(tracing: Tracing): Promise<FastifyPluginCallback> {
  const { FastifyOtelInstrumentation } = await import("@fastify/otel");
  const instrumentation = new FastifyOtelInstrumentation({
    registerOnInitialization: false,
    instrumentHooks: false,
    ignorePaths: ({ url }) => UNTRACED.has(url) || url.startsWith("/docs") || url.startsWith("/admin/queues"),
  });
  instrumentation.setTracerProvider(tracing.tracerProvider as Parameters<typeof instrumentation.setTracerProvider>[0]);
  return instrumentation.plugin();
}
