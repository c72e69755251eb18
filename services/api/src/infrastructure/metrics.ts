import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Every Prometheus metric the API exports, defined in this one module (infra/grafana's dashboard
 * is built on these names, and a test holds it to them). One registry per app, never the global
 * one, so several apps in a test process do not collide.
 */
export const API_METRIC_NAMES = {
  requests: "ingest_api_http_requests_total",
  duration: "ingest_api_http_request_duration_seconds",
  uploadBytes: "ingest_api_upload_bytes_total",
  uploadsInFlight: "ingest_api_uploads_in_flight",
  uploadsRefused: "ingest_api_uploads_refused_total",
  rejections: "ingest_api_rejections_total",
  rateLimited: "ingest_api_rate_limited_total",
} as const;

/** Default process metrics (CPU, memory, event loop lag) carry this prefix. */
export const API_PROCESS_PREFIX = "ingest_api_";

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"method" | "route" | "status">;
  readonly duration: Histogram<"method" | "route" | "status">;
  readonly uploadBytes: Counter;
  readonly uploadsRefused: Counter<"reason">;
  readonly rejections: Counter<"route" | "status" | "reason">;
  readonly rateLimited: Counter<"bucket">;
}

export function createApiMetrics(options: { readonly uploadsInFlight: () => number }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: API_PROCESS_PREFIX });
  const registers = [registry];
  new Gauge({
    name: API_METRIC_NAMES.uploadsInFlight,
    help: "Uploads holding an admission slot right now (each buffers at most one 5 MiB file).",
    registers,
    collect() {
      this.set(options.uploadsInFlight());
    },
  });
  return {
    registry,
    requests: new Counter({
      name: API_METRIC_NAMES.requests,
      help: "Requests answered, by route template (the matched URL pattern, or 'unmatched') and status.",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    duration: new Histogram({
      name: API_METRIC_NAMES.duration,
      help: "Time from the request's arrival to its response, by route template and status.",
      labelNames: ["method", "route", "status"],
      // Reads answer in milliseconds; uploads of 5 MiB over slow links take seconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    }),
    uploadBytes: new Counter({ name: API_METRIC_NAMES.uploadBytes, help: "File bytes received in uploads (whatever their verdict).", registers }),
    uploadsRefused: new Counter({
      name: API_METRIC_NAMES.uploadsRefused,
      help: "Uploads refused before their body was read because every admission slot was taken (503).",
      labelNames: ["reason"],
      registers,
    }),
    rejections: new Counter({
      name: API_METRIC_NAMES.rejections,
      help: "Requests refused for their content (400, 413, 415, 422), by route, status and reason (the error code).",
      labelNames: ["route", "status", "reason"],
      registers,
    }),
    rateLimited: new Counter({
      name: API_METRIC_NAMES.rateLimited,
      help: "Requests answered 429 by the per-credential rate limit, by bucket (uploads or requests).",
      labelNames: ["bucket"],
      registers,
    }),
  };
}
