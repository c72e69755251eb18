import type { Storage } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    storage: Storage;
  }
}

/** Owns the object storage client. */
async function storagePlugin(app: FastifyInstance, { storage }: { readonly storage: Storage }): Promise<void> {
  app.decorate("storage", storage);
  app.addHook("onClose", () => storage.close());
}

export default fp(storagePlugin, { name: "storage", fastify: "5.x" });
