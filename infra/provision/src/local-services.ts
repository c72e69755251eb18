import { mkdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { lockDataDir } from "./data-dir-lock.ts";
import { manageProcess } from "./managed-process.ts";
import { findBinary } from "./find-binary.ts";
import { findFreePorts } from "./free-port.ts";
import { MissingServerError } from "./missing-server.error.ts";
import { describeMongo } from "./mongo-probe.ts";
import { describeRedis } from "./redis-probe.ts";
import { ensureBucket } from "./s3-bucket.ts";
import type { ProvisionedServices, S3Settings } from "./service-settings.ts";
import { createFerretDbServer } from "./servers/ferretdb.server.ts";
import { LOCAL_S3_CREDENTIALS, createMinioServer } from "./servers/minio.server.ts";
import { createMongodServer } from "./servers/mongod.server.ts";
import { createRedisServer } from "./servers/redis.server.ts";
import { createTempDir } from "./temp-dir.ts";

export interface LocalServicesOptions {
  /** Persistent data dir; without one, a temp dir is used and removed on stop(). */
  dataDir?: string;
  bucket: string;
  env: NodeJS.ProcessEnv;
}

interface Binaries {
  redis: string;
  mongo: { kind: "mongod" | "ferretdb"; path: string };
  minio: string;
}

/** Finds every binary first, so a missing one is reported before anything starts. */
export function findLocalBinaries(env: NodeJS.ProcessEnv): Binaries {
  const redis = findBinary("redis-server", env);
  const mongod = findBinary("mongod", env);
  const ferretdb = findBinary("ferretdb", env);
  const minio = findBinary("minio", env);
  const missing = [
    ...(redis ? [] : ["redis-server"]),
    ...(mongod || ferretdb ? [] : ["ferretdb (or mongod)"]),
    ...(minio ? [] : ["minio"]),
  ];
  if (missing.length > 0) throw new MissingServerError(missing);
  return {
    redis: redis!,
    mongo: mongod ? { kind: "mongod", path: mongod } : { kind: "ferretdb", path: ferretdb! },
    minio: minio!,
  };
}

/** Starts redis-server, mongod or FerretDB, and MinIO on free loopback ports. */
export async function startLocalServices(options: LocalServicesOptions): Promise<ProvisionedServices> {
  const binaries = findLocalBinaries(options.env);
  const persistent = options.dataDir !== undefined;
  const temp = persistent ? undefined : createTempDir();
  const root = options.dataDir ?? temp!.path;
  mkdirSync(root, { recursive: true });
  const unlock = persistent ? lockDataDir(root) : () => {};
  const release = () => {
    unlock();
    temp?.remove();
  };
  try {
    return await startServers(binaries, root, persistent, options.bucket, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** Another process may take a port between finding it free and the server binding it. */
const PORT_ATTEMPTS = 3;

async function startServers(
  binaries: Binaries,
  root: string,
  persistent: boolean,
  bucket: string,
  release: () => void,
): Promise<ProvisionedServices> {
  const logDir = join(root, "logs");
  mkdirSync(logDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const [redisPort, mongoPort, s3Port, consolePort] = (await findFreePorts(4)) as [number, number, number, number];
    const common = { logDir, persistent };
    const redis = createRedisServer({ ...common, binary: binaries.redis, port: redisPort, dataDir: join(root, "redis") });
    const createMongo = binaries.mongo.kind === "mongod" ? createMongodServer : createFerretDbServer;
    const mongo = createMongo({ ...common, binary: binaries.mongo.path, port: mongoPort, dataDir: join(root, binaries.mongo.kind) });
    const minio = createMinioServer({ ...common, binary: binaries.minio, port: s3Port, consolePort, dataDir: join(root, "minio") });
    const processes = [mongo.server, redis.server, minio.server];
    const stopAll = () => Promise.all(processes.map((server) => server.stop()));

    try {
      const started = await Promise.allSettled(processes.map((server) => server.start()));
      const failure = started.find((result) => result.status === "rejected");
      if (failure) throw failure.reason;
      const s3: S3Settings = { endpoint: minio.url, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS };
      await ensureBucket(s3);
      const [mongoVersion, redisVersion] = await Promise.all([describeMongo(mongo.url), describeRedis(redis.url)]);
      let stopped = false;
      return {
        settings: {
          source: "local",
          mongoUrl: mongo.url,
          redisUrl: redis.url,
          s3,
          versions: { mongo: mongoVersion, redis: redisVersion, s3: describeMinioBinary(binaries.minio) },
        },
        mongo: manageProcess("mongo", mongo.server, mongoPort),
        redis: manageProcess("redis", redis.server, redisPort),
        s3: manageProcess("s3", minio.server, s3Port),
        persistent,
        stop: async () => {
          if (stopped) return;
          stopped = true;
          await stopAll();
          release();
        },
      };
    } catch (error) {
      await stopAll();
      const portTaken = error instanceof Error && /already in use/i.test(error.message);
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

/** go-installed MinIO calls itself DEVELOPMENT.GOGET; the installer's stamp names the real version. */
function describeMinioBinary(binary: string): string {
  try {
    return `MinIO ${readFileSync(`${binary}.version`, "utf8").trim()}`;
  } catch {
    const output = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout ?? "";
    return `MinIO (${output.split("\n")[0]?.trim() || "unknown version"})`;
  }
}
