import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pingMongo } from "../mongo-probe.ts";
import { ServerProcess } from "../server-process.ts";
import type { LocalServer, LocalServerOptions } from "./redis.server.ts";

/** FerretDB v1 on its embedded SQLite backend: a MongoDB wire-protocol server with no MongoDB. */
export function createFerretDbServer(options: LocalServerOptions): LocalServer {
  mkdirSync(options.dataDir, { recursive: true });
  const url = `mongodb://127.0.0.1:${options.port}/`;
  const server = new ServerProcess({
    name: "ferretdb",
    command: options.binary,
    args: [
      "--handler=sqlite",
      `--sqlite-url=file:${options.dataDir}/`,
      `--listen-addr=127.0.0.1:${options.port}`,
      // The debug endpoint defaults to a fixed port (8088): two instances would clash on it.
      "--debug-addr=-",
      "--telemetry=disable",
      // Its state.json (instance id) would otherwise land in the working directory.
      `--state-dir=${options.dataDir}`,
      "--log-level=warn",
    ],
    logFile: join(options.logDir, "ferretdb.log"),
    isReady: () => pingMongo(url),
    parentDeathSignal: options.persistent ? "SIGTERM" : "SIGKILL",
  });
  return { server, url };
}
