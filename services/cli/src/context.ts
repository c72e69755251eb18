import {
  type Config,
  connectMongo,
  createJobQueue,
  createRedis,
  createRepositories,
  createStorage,
  ensureIndexes,
  type JobQueue,
  type MongoConnection,
  type Redis,
  type Repositories,
  type Storage,
} from "@ingest/shared";
import type { CommandContext } from "./command.ts";

export interface ClosableContext extends CommandContext {
  close(): Promise<void>;
}

/** Opens what a command asks for, once, and closes it all in reverse order at the end. */
export function createCommandContext(config: Config, io: { out(line: string): void; note(line: string): void }): ClosableContext {
  let mongo: Promise<MongoConnection> | undefined;
  let repositories: Promise<Repositories> | undefined;
  let redis: Redis | undefined;
  let storage: Storage | undefined;
  let queue: JobQueue | undefined;

  const context: ClosableContext = {
    config,
    out: io.out,
    note: io.note,
    mongo() {
      mongo ??= connectMongo(config.mongo.url, config.mongo.dbName);
      return mongo;
    },
    repositories() {
      repositories ??= context.mongo().then(async ({ db }) => {
        const created = createRepositories(db);
        await ensureIndexes(created);
        return created;
      });
      return repositories;
    },
    redis() {
      redis ??= createRedis(config.redis.url, "request");
      return redis;
    },
    storage() {
      storage ??= createStorage(config.storage);
      return storage;
    },
    queue() {
      queue ??= createJobQueue(context.redis(), config.queue.prefix, config.operators.jobRetention);
      return queue;
    },
    async close() {
      await queue?.close().catch(() => {});
      storage?.close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      if (mongo) await (await mongo.catch(() => null))?.close();
    },
  };
  return context;
}
