import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  API_NODE_FLAGS,
  type DedicatedMinio,
  type DedicatedMongo,
  type DedicatedRedis,
  findFreePort,
  startMinioServer,
  startMongoServer,
  startRedisServer,
} from "@ingest/provision";
import { uniqueTestNames } from "@ingest/provision/testing";
import { createJobQueue, createRedis, createStorage, generateApiKey, type JobQueue, parseConfig, type Redis, type Repositories, SCOPES, type Storage, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { spawnWorker, type WorkerProcess } from "../../support/worker-process.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../../../..");

/**
 * A whole deployment of one's own for fault runs: dedicated Redis and S3 servers and either a
 * MongoDB-protocol server or an SQLite file (so they can be killed, stopped and frozen), the API and the worker as real processes
 * (so they can be killed with SIGKILL and started again), and a test-side view of the same
 * database, bucket and queue for the checks afterwards.
 */
export interface Deployment {
  readonly baseUrl: string;
  readonly env: Record<string, string>;
  /** The database server; null on the embedded SQLite store (a file: nothing to freeze). */
  readonly mongo: DedicatedMongo | null;
  readonly redis: DedicatedRedis;
  readonly minio: DedicatedMinio;
  api(): ChildProcess;
  worker(): WorkerProcess;
  restartApi(): Promise<void>;
  restartWorker(): Promise<void>;
  /** Test-side connections, opened on first use. */
  view(): Promise<{ repositories: Repositories; storage: Storage; queue: JobQueue; redis: Redis }>;
  createTenant(): Promise<{ companyId: string; key: string }>;
  /** VmRSS of a process in bytes (Linux), or null when it is gone. */
  rssOf(pid: number | undefined): number | null;
  close(): Promise<void>;
}

export async function startDeployment(label: string, store: "sqlite" | "mongodb", extraEnv: Record<string, string> = {}): Promise<Deployment> {
  const [mongo, redis, minio] = await Promise.all([store === "mongodb" ? startMongoServer() : null, startRedisServer(), startMinioServer()]);
  const names = uniqueTestNames(label);
  const sqliteDir = store === "sqlite" ? mkdtempSync(join(tmpdir(), "ingest-deployment-")) : null;
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(mongo ? { STORE: "mongodb", MONGO_URL: mongo.url, MONGO_DB: names.database } : { STORE: "sqlite", SQLITE_PATH: join(sqliteDir!, "ingest.sqlite") }),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: names.queuePrefix,
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: minio.s3.endpoint,
    S3_REGION: minio.s3.region,
    S3_BUCKET: minio.s3.bucket,
    S3_ACCESS_KEY_ID: minio.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: minio.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    S3_KEY_PREFIX: names.keyPrefix,
    PUBLIC_BASE_URL: `${baseUrl}/files`,
    API_SERVE_FILES: "true",
    LOG_LEVEL: "warn",
    DEPENDENCY_TIMEOUT_MS: "2000",
    RECONCILE_INTERVAL_MS: "2000",
    STAGED_GRACE_MS: "3000",
    WORKER_CONCURRENCY: "2",
    WORKER_LOCK_DURATION_MS: "5000",
    WORKER_STALLED_INTERVAL_MS: "5000",
    DERIVATIVE_WIDTHS: "320",
    API_MAX_UPLOADS_PER_COMPANY: "32",
    API_MAX_UPLOADS_PER_CREDENTIAL: "32",
    ...extraEnv,
  };

  let api: ChildProcess | undefined;
  let worker: WorkerProcess | undefined;
  let view: Awaited<ReturnType<Deployment["view"]>> | undefined;
  let viewStore: Store | undefined;

  const startApi = async (): Promise<void> => {
    const child = spawn(process.execPath, [...API_NODE_FLAGS, "services/api/src/main.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", ...env, API_HOST: "127.0.0.1", API_PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    for (let attempt = 0; attempt < 600; attempt++) {
      if (child.exitCode !== null) throw new Error(`the API exited at start: ${stderr}`);
      if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) {
        api = child;
        return;
      }
      await sleep(50);
    }
    child.kill("SIGKILL");
    throw new Error(`the API did not answer /healthz: ${stderr}`);
  };
  const kill = async (child: ChildProcess | undefined): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  };

  await startApi();
  worker = await spawnWorker(env);

  const openView: Deployment["view"] = async () => {
    if (view) return view;
    const config = parseConfig(env);
    viewStore = await openStore(config.store);
    const connection = createRedis(config.redis.url, "request");
    connection.on("error", () => {});
    view = { repositories: viewStore.repositories, storage: await createStorage(config.storage), queue: createJobQueue(connection, config.queue.prefix), redis: connection };
    return view;
  };

  return {
    baseUrl,
    env,
    mongo,
    redis,
    minio,
    api: () => api!,
    worker: () => worker!,
    async restartApi() {
      await kill(api);
      await startApi();
    },
    async restartWorker() {
      await kill(worker?.child);
      worker = await spawnWorker(env);
    },
    view: openView,
    async createTenant() {
      const { repositories } = await openView();
      const companyId = `c${Math.random().toString(16).slice(2, 14)}`;
      await repositories.credentials.createCompany(companyId, companyId);
      const { key, lookupId, hash } = generateApiKey();
      await repositories.credentials.insertApiKey({ lookupId, companyId, name: "load", hash, scopes: SCOPES });
      return { companyId, key };
    },
    rssOf(pid) {
      if (pid === undefined) return null;
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        return kb ? Number(kb) * 1024 : null;
      } catch {
        return null;
      }
    },
    async close() {
      minio.server.resume();
      mongo?.server.resume();
      redis.server.resume?.();
      await kill(api);
      await kill(worker?.child);
      if (view) {
        await view.queue.close().catch(() => {});
        view.redis.disconnect();
        view.storage.close();
      }
      await viewStore?.close();
      await Promise.all([mongo?.close(), redis.close(), minio.close()]);
      if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
    },
  };
}
