import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReadinessReport } from "@ingest/shared";

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Asks MongoDB, Redis and storage; see checkDependencies. */
  readonly readiness: () => Promise<ReadinessReport>;
  /** True once shutdown began: the worker takes no new jobs, so it is not ready. */
  readonly isStopping: () => boolean;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The worker's probes, with the API's semantics: `/healthz` answers while the process runs;
 * `/readyz` is 200 when every dependency answers and 503 naming the ones that do not.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, { error: "Method not allowed" });
    if (path === "/healthz") return send(200, { status: "ok" });
    if (path !== "/readyz") return send(404, { error: "Not found" });
    if (options.isStopping()) return send(503, { status: "stopping", error: "The worker is shutting down" });
    options.readiness().then(
      (report) => {
        const down = Object.entries(report.dependencies)
          .filter(([, state]) => !state.ok)
          .map(([name]) => name);
        if (report.ready) send(200, { status: "ready", dependencies: report.dependencies });
        else send(503, { status: "unavailable", error: `Not ready: ${down.join(", ")} not answering`, dependencies: report.dependencies });
      },
      () => send(503, { status: "unavailable", error: "Readiness check failed" }),
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
