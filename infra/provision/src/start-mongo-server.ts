import { findFreePort } from "./free-port.ts";
import { findLocalBinaries } from "./local-services.ts";
import { manageProcess } from "./managed-process.ts";
import type { ManagedServer } from "./service-settings.ts";
import { createFerretDbServer } from "./servers/ferretdb.server.ts";
import { createMongodServer } from "./servers/mongod.server.ts";
import { createTempDir } from "./temp-dir.ts";

export interface DedicatedMongo {
  /** A connection string without a database name. */
  url: string;
  /** stop()/start() keep the address; pause()/resume() freeze it (SIGSTOP/SIGCONT); kill() is SIGKILL. */
  server: ManagedServer & Required<Pick<ManagedServer, "pause" | "resume" | "kill">>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

/**
 * A MongoDB-protocol server of one's own (mongod, else FerretDB, as installed locally), for
 * tests that freeze or stop it, which the run's shared one must never be.
 */
export async function startMongoServer(env: NodeJS.ProcessEnv = process.env): Promise<DedicatedMongo> {
  const { mongo } = findLocalBinaries(env);
  const temp = createTempDir();
  const port = await findFreePort();
  const create = mongo.kind === "mongod" ? createMongodServer : createFerretDbServer;
  const local = create({ binary: mongo.path, port, dataDir: `${temp.path}/data`, logDir: temp.path, persistent: false });
  try {
    await local.server.start();
  } catch (error) {
    temp.remove();
    throw error;
  }
  const managed = manageProcess("mongo", local.server, port);
  return {
    url: local.url,
    server: { ...managed, pause: () => local.server.pause(), resume: () => local.server.resume(), kill: () => local.server.kill() },
    close: async () => {
      local.server.resume();
      await local.server.stop();
      temp.remove();
    },
  };
}
