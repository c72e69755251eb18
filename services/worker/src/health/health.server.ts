import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bearerTokenOf, type DependencyName, type ReadinessReport, tokenMatchesSha256 } from "@ingest/shared";

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Asks the database, Redis and storage; see checkDependencies. */
  readonly readiness: () => Promise<ReadinessReport>;
  /** True once shutdown began: the worker takes no new jobs, so it is not ready. */
  readonly isStopping: () => boolean;
  /** Told the causes when not ready, for the log. */
  readonly onNotReady?: (report: ReadinessReport) => void;
  /** GET /metrics: the Prometheus text, behind a bearer token when `tokenSha256` is set. */
  readonly metrics?: {
    readonly contentType: string;
    readonly render: () => Promise<string>;
    readonly tokenSha256: string | undefined;
  };
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The worker's probes, with the API's semantics and bodies: `/healthz` answers while the process
 * runs; `/readyz` is 200 `{status, dependencies}` when the database, Redis and storage all answer, and
 * 503 `{error}` naming the ones that do not (or saying the worker is shutting down).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, { error: "Method not allowed" });
    if (path === "/healthz") return send(200, { status: "ok" });
    if (path === "/metrics" && options.metrics) return serveMetrics(options.metrics, request.headers.authorization, response, send);
    if (path !== "/readyz") return send(404, { error: "Not found" });
    const unavailable = (error: string) => send(503, { error }, { "retry-after": "5" });
    if (options.isStopping()) return unavailable("Not ready: the worker is shutting down");
    options.readiness().then(
      (report) => {
        const entries = Object.entries(report.dependencies) as [DependencyName, { ok: boolean }][];
        if (report.ready) {
          return send(200, { status: "ok", dependencies: Object.fromEntries(entries.map(([name]) => [name, "ok"])) });
        }
        // Causes go to the log for operators; the body, like every error, is { error } alone.
        options.onNotReady?.(report);
        const down = entries.filter(([, state]) => !state.ok).map(([name]) => name);
        unavailable(`Not ready: ${down.join(", ")} not answering`);
      },
      () => unavailable("Not ready: the readiness check failed"),
    );
  });
  // Probes are tiny; a slow or idle client must not pin a socket.
  server.requestTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serveMetrics(
  metrics: NonNullable<HealthServerOptions["metrics"]>,
  authorization: string | undefined,
  response: ServerResponse,
  send: (status: number, body: unknown, headers?: Record<string, string>) => void,
): void {
  if (metrics.tokenSha256 !== undefined) {
    const token = bearerTokenOf(authorization);
    if (token === null || !tokenMatchesSha256(token, metrics.tokenSha256)) {
      send(401, { error: "Missing or invalid metrics token" }, { "www-authenticate": 'Bearer realm="metrics"' });
      return;
    }
  }
  metrics.render().then(
    (text) => {
      response.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
      response.end(text);
    },
    () => send(500, { error: "Metrics could not be collected" }),
  );
}
