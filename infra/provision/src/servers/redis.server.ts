import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pingRedis } from "../redis-probe.ts";
import { ServerProcess } from "../server-process.ts";

export interface LocalServerOptions {
  binary: string;
  port: number;
  /** The server's own data directory (created). */
  dataDir: string;
  logDir: string;
  /** Keep data across restarts of the whole stack (pnpm start) rather than throw it away (tests). */
  persistent: boolean;
}

export interface LocalServer {
  server: ServerProcess;
  url: string;
}

export function createRedisServer(options: LocalServerOptions): LocalServer {
  mkdirSync(options.dataDir, { recursive: true });
  const url = `redis://127.0.0.1:${options.port}`;
  const durability = options.persistent ? ["--appendonly", "yes", "--appendfsync", "everysec"] : ["--save", "", "--appendonly", "no"];
  const server = new ServerProcess({
    name: "redis-server",
    command: options.binary,
    args: [
      "--port", String(options.port),
      "--bind", "127.0.0.1",
      "--dir", options.dataDir,
      "--daemonize", "no",
      "--logfile", "",
      ...durability,
    ],
    logFile: join(options.logDir, "redis.log"),
    isReady: () => pingRedis(url),
    parentDeathSignal: options.persistent ? "SIGTERM" : "SIGKILL",
  });
  return { server, url };
}
