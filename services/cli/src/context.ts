import { once } from "node:events";
import type { Repositories, Store } from "@ingest/shared/store";
import type { Config } from "@ingest/shared/config";
import type { JobQueue, QueueInspector } from "@ingest/shared/queue";
import type { Redis } from "@ingest/shared/redis";
import type { Storage } from "@ingest/shared/storage";
import type { CommandContext } from "./command.ts";

/**
 * The one module of the CLI that opens the database, Redis, storage and the queue. Each library
 * is imported on first use, so `--help` and commands that do not need it never load it.
 */

export interface ClosableContext extends CommandContext {
  close(): Promise<void>;
}

export interface ContextIo {
  readonly json: boolean;
  out(line: string): void;
  note(line: string): void;
  readonly interrupted: AbortSignal;
  /** Called once, before the first connection opens. */
  announce(): void;
}

const REDIS_READY_TIMEOUT_MS = 5_000;

/** Where this CLI's data lives, for the one line it prints before working. Never a password. */
export function describeTarget(config: Config): string {
  const { storage } = config;
  const where =
    storage.driver === "s3"
      ? `s3 ${storage.s3.endpoint ?? "AWS"} bucket ${storage.s3.bucket}${storage.s3.keyPrefix ? ` prefix ${storage.s3.keyPrefix}` : ""}`
      : `folder ${storage.fsDir}`;
  const { store } = config;
  const database = store.kind === "sqlite" ? `sqlite ${store.path}` : `mongodb ${withoutPassword(store.url)} db ${store.dbName}`;
  return `store ${database}; redis ${withoutPassword(config.redis.url)} (queue prefix ${config.queue.prefix}); storage ${where}`;
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

/** Opens what a command asks for, once, and closes it all in reverse order at the end. */
export function createCommandContext(config: Config, io: ContextIo): ClosableContext {
  let database: Promise<Store> | undefined;
  let redis: Promise<Redis> | undefined;
  let storage: Promise<Storage> | undefined;
  let queue: Promise<JobQueue> | undefined;
  let inspector: Promise<QueueInspector> | undefined;
  let announced = false;
  const announce = () => {
    if (!announced) io.announce();
    announced = true;
  };

  const context: ClosableContext = {
    config,
    json: io.json,
    get interrupted() {
      return io.interrupted;
    },
    out: io.out,
    note: io.note,
    result(value, human) {
      if (io.json) process.stdout.write(`${JSON.stringify(value)}\n`);
      else human();
    },
    store() {
      // @ingest/store imports only the adapter the configuration selects.
      announce();
      database ??= import("@ingest/store").then(({ openStore }) => openStore(config.store));
      return database;
    },
    async repositories(): Promise<Repositories> {
      return (await context.store()).repositories;
    },
    redis() {
      // A fail-fast connection rejects commands until it is connected: wait for that, boundedly.
      announce();
      redis ??= import("@ingest/shared/redis").then(async ({ createRedis }) => {
        const connection = createRedis(config.redis.url, "request");
        if (connection.status !== "ready") {
          await once(connection, "ready", { signal: AbortSignal.timeout(REDIS_READY_TIMEOUT_MS) }).catch(() => {
            connection.disconnect();
            throw new Error(`Redis at ${withoutPassword(config.redis.url)} did not answer within ${REDIS_READY_TIMEOUT_MS / 1000} s`);
          });
        }
        return connection;
      });
      return redis;
    },
    storage() {
      announce();
      storage ??= import("@ingest/shared/storage").then(({ createStorage }) => createStorage(config.storage));
      return storage;
    },
    queue() {
      queue ??= Promise.all([import("@ingest/shared/queue"), context.redis()]).then(([{ createJobQueue }, connection]) =>
        createJobQueue(connection, config.queue.prefix, config.operators.jobRetention),
      );
      return queue;
    },
    queueInspector() {
      inspector ??= Promise.all([import("@ingest/shared/queue"), context.redis()]).then(([{ createQueueInspector }, connection]) =>
        createQueueInspector(connection, config.queue.prefix),
      );
      return inspector;
    },
    async close() {
      const settled = async <T>(promise: Promise<T> | undefined): Promise<T | undefined> => promise?.catch(() => undefined);
      await (await settled(inspector))?.close().catch(() => {});
      await (await settled(queue))?.close().catch(() => {});
      (await settled(storage))?.close();
      const connection = await settled(redis);
      if (connection) await connection.quit().catch(() => connection.disconnect());
      await (await settled(database))?.close();
    },
  };
  return context;
}
