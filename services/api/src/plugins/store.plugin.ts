import type { Repositories, Store } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    store: Store;
    repositories: Repositories;
  }
}

export interface StorePluginOptions {
  readonly store: Store;
}

/** Owns the store it is given (SQLite or MongoDB): decorates the app with it and closes it last. */
async function storePlugin(app: FastifyInstance, { store }: StorePluginOptions): Promise<void> {
  app.decorate("store", store);
  app.decorate("repositories", store.repositories);
  app.addHook("onClose", async () => {
    await store.close();
  });
}

export default fp(storePlugin, { name: "store", fastify: "5.x" });
