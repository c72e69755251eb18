import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ServerProcess } from "../server-process.ts";
import type { LocalServer, LocalServerOptions } from "./redis.server.ts";

/** Loopback-only, so fixed credentials are fine; they must not change over a persistent data dir. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "ingest-local", secretAccessKey: "ingest-local-secret" } as const;

export interface MinioServerOptions extends LocalServerOptions {
  consolePort: number;
}

export function createMinioServer(options: MinioServerOptions): LocalServer {
  mkdirSync(options.dataDir, { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  const server = new ServerProcess({
    name: "minio",
    command: options.binary,
    args: [
      "server", options.dataDir,
      "--address", `127.0.0.1:${options.port}`,
      "--console-address", `127.0.0.1:${options.consolePort}`,
      "--quiet",
    ],
    env: {
      MINIO_ROOT_USER: LOCAL_S3_CREDENTIALS.accessKeyId,
      MINIO_ROOT_PASSWORD: LOCAL_S3_CREDENTIALS.secretAccessKey,
      MINIO_UPDATE: "off",
    },
    logFile: join(options.logDir, "minio.log"),
    isReady: async () => (await fetch(`${url}/minio/health/live`, { signal: AbortSignal.timeout(2_000) })).ok,
    parentDeathSignal: options.persistent ? "SIGTERM" : "SIGKILL",
  });
  return { server, url };
}
