import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findBinary } from "../find-binary.ts";
import { manageProcess } from "../managed-process.ts";
import { MissingServerError } from "../missing-server.error.ts";
import { describeServices, provisionServices } from "../provision-services.ts";
import { describeRedis } from "../redis-probe.ts";
import type { ManagedServer } from "../service-settings.ts";
import { toServiceEnv } from "../service-env.ts";
import { createRedisServer } from "../servers/redis.server.ts";
import { lockDataDir } from "../data-dir-lock.ts";
import { findFreePort } from "../free-port.ts";

/**
 * What `pnpm start` runs the services on:
 * - `embedded` (the default): the SQLite store and the local folder storage, both under `.data/`,
 *   and Redis — the only server it needs. One machine.
 * - `mongo-s3`: the production shape, a MongoDB-protocol server (mongod if installed, else
 *   FerretDB) and MinIO as the S3 store, beside Redis.
 */
export const STACKS = ["embedded", "mongo-s3"] as const;
export type StackName = (typeof STACKS)[number];

export interface StartedStack {
  readonly name: StackName;
  /** The variables the API, the worker and the CLI get. */
  readonly env: Record<string, string>;
  /** Servers this run started and may restart when they die. */
  readonly servers: readonly ManagedServer[];
  /** One line per part, for the summary. */
  describe(): string[];
  /** Identifies the data (the demo marker is kept per data). */
  readonly fingerprint: string;
  readonly persistent: boolean;
  stop(): Promise<void>;
}

/** `--stack <name>` or `--stack=<name>` on the command line, else INGEST_STACK, else embedded. */
export function chooseStack(argv: readonly string[], env: NodeJS.ProcessEnv): StackName {
  const index = argv.findIndex((arg) => arg === "--stack" || arg.startsWith("--stack="));
  const given = index < 0 ? env.INGEST_STACK : argv[index]!.includes("=") ? argv[index]!.split("=")[1] : argv[index + 1];
  if (given === undefined || given === "") return "embedded";
  if (!(STACKS as readonly string[]).includes(given)) throw new Error(`--stack must be one of ${STACKS.join(", ")}, got "${given}"`);
  return given as StackName;
}

export async function startStack(name: StackName, dataDir: string, env: NodeJS.ProcessEnv): Promise<StartedStack> {
  return name === "embedded" ? startEmbedded(dataDir, env) : startMongoS3(dataDir);
}

async function startEmbedded(dataDir: string, env: NodeJS.ProcessEnv): Promise<StartedStack> {
  const files = {
    STORE: "sqlite",
    SQLITE_PATH: join(dataDir, "ingest.sqlite"),
    STORAGE_DRIVER: "fs",
    FS_STORAGE_DIR: join(dataDir, "objects"),
  };
  const local = [`Store: SQLite ${files.SQLITE_PATH}`, `Storage: folder ${files.FS_STORAGE_DIR} (served by the API under /files/)`];
  if (env.REDIS_URL) {
    const version = await describeRedis(env.REDIS_URL);
    return {
      name: "embedded",
      env: { ...files, REDIS_URL: env.REDIS_URL },
      servers: [],
      describe: () => [...local, `Redis: ${version} at ${env.REDIS_URL} (REDIS_URL)`],
      fingerprint: `embedded ${files.SQLITE_PATH}`,
      persistent: true,
      stop: async () => {},
    };
  }
  const binary = findBinary("redis-server", env);
  if (!binary) throw new MissingServerError(["redis-server"]);
  const root = join(dataDir, "servers");
  mkdirSync(root, { recursive: true });
  const unlock = lockDataDir(root);
  try {
    const port = await findFreePort();
    mkdirSync(join(root, "logs"), { recursive: true });
    const redis = createRedisServer({ binary, port, dataDir: join(root, "redis"), logDir: join(root, "logs"), persistent: true });
    await redis.server.start();
    const server = manageProcess("redis", redis.server, port);
    const version = await describeRedis(redis.url);
    return {
      name: "embedded",
      env: { ...files, REDIS_URL: redis.url },
      servers: [server],
      describe: () => [...local, `Redis: ${version} at ${redis.url} (${server.describe()})`],
      fingerprint: `embedded ${files.SQLITE_PATH}`,
      persistent: true,
      async stop() {
        await server.stop();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

async function startMongoS3(dataDir: string): Promise<StartedStack> {
  const services = await provisionServices({ dataDir: join(dataDir, "servers"), handleSignals: false });
  const { settings } = services;
  return {
    name: "mongo-s3",
    env: { ...toServiceEnv(settings), STORE: "mongodb" },
    servers: [services.mongo, services.redis, services.s3],
    describe: () => describeServices(services),
    // Which database the demo lives in: the data dir for our own servers, the URL for external ones.
    fingerprint: settings.source === "env" ? `env ${settings.mongoUrl}` : `${settings.source} ${dataDir}`,
    persistent: services.persistent,
    stop: () => services.stop(),
  };
}
