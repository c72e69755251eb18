import type { MongoConnection, Repositories } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    mongo: MongoConnection;
    repositories: Repositories;
  }
}

export interface MongoPluginOptions {
  readonly connection: MongoConnection;
  readonly repositories: Repositories;
}

/** Owns the MongoDB connection it is given: decorates the app with it and closes it last. */
async function mongoPlugin(app: FastifyInstance, { connection, repositories }: MongoPluginOptions): Promise<void> {
  app.decorate("mongo", connection);
  app.decorate("repositories", repositories);
  app.addHook("onClose", async () => {
    await connection.close();
  });
}

export default fp(mongoPlugin, { name: "mongo", fastify: "5.x" });
