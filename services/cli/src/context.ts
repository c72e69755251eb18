import {
  type Config,
  createJobQueue,
  createRedis,
  createStorage,
  type JobQueue,
  type Redis,
  type Storage,
  type Store,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import type { CommandContext } from "./command.ts";

export interface ClosableContext extends CommandContext {
  close(): Promise<void>;
}

/** Opens what a command asks for, once, and closes it all in reverse order at the end. */
export function createCommandContext(config: Config, io: { out(line: string): void; note(line: string): void }): ClosableContext {
  let store: Promise<Store> | undefined;
  let redis: Redis | undefined;
  let storage: Storage | undefined;
  let queue: JobQueue | undefined;

  const context: ClosableContext = {
    config,
    out: io.out,
    note: io.note,
    store() {
      store ??= openStore(config.store);
      return store;
    },
    async repositories() {
      return (await context.store()).repositories;
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
      queue ??= createJobQueue(context.redis(), config.queue.prefix);
      return queue;
    },
    async close() {
      await queue?.close().catch(() => {});
      storage?.close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      if (store) await (await store.catch(() => null))?.close();
    },
  };
  return context;
}
