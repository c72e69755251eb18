import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pingMongo } from "../mongo-probe.ts";
import { ServerProcess } from "../server-process.ts";
import type { LocalServer, LocalServerOptions } from "./redis.server.ts";

/** A real MongoDB, preferred over FerretDB when `mongod` is installed. */
export function createMongodServer(options: LocalServerOptions): LocalServer {
  mkdirSync(options.dataDir, { recursive: true });
  const url = `mongodb://127.0.0.1:${options.port}/?directConnection=true`;
  const server = new ServerProcess({
    name: "mongod",
    command: options.binary,
    args: [
      "--dbpath", options.dataDir,
      "--bind_ip", "127.0.0.1",
      "--port", String(options.port),
      "--quiet",
      "--setParameter", "diagnosticDataCollectionEnabled=false",
    ],
    logFile: join(options.logDir, "mongod.log"),
    isReady: () => pingMongo(url),
    parentDeathSignal: options.persistent ? "SIGTERM" : "SIGKILL",
  });
  return { server, url };
}
