import { findContainerEngine } from "./container-engine.ts";
import { createRedisContainer } from "./containers.ts";
import { findBinary } from "./find-binary.ts";
import { findFreePort } from "./free-port.ts";
import { manageProcess } from "./managed-process.ts";
import { MissingServerError } from "./missing-server.error.ts";
import type { ManagedServer } from "./service-settings.ts";
import { createRedisServer } from "./servers/redis.server.ts";
import { createTempDir } from "./temp-dir.ts";

export interface DedicatedRedis {
  url: string;
  /** stop() and start() keep the URL: a test can take Redis away and bring it back. */
  server: ManagedServer;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

/**
 * A Redis of one's own, for tests that stop and restart it (which the run's shared Redis must
 * never be). A local redis-server when installed, else a container; either way on a fixed
 * address across restarts, with data thrown away.
 */
export async function startRedisServer(env: NodeJS.ProcessEnv = process.env): Promise<DedicatedRedis> {
  const binary = findBinary("redis-server", env);
  if (binary) return startLocalRedis(binary);
  const dockerHost = await findContainerEngine(env);
  if (!dockerHost) throw new MissingServerError(["redis-server"]);
  process.env.DOCKER_HOST ??= dockerHost;
  const container = await createRedisContainer();
  await container.start();
  return { url: `redis://${container.address}`, server: container, close: () => container.stop() };
}

async function startLocalRedis(binary: string): Promise<DedicatedRedis> {
  const temp = createTempDir();
  const port = await findFreePort();
  const redis = createRedisServer({ binary, port, dataDir: temp.path, logDir: temp.path, persistent: false });
  try {
    await redis.server.start();
  } catch (error) {
    temp.remove();
    throw error;
  }
  return {
    url: redis.url,
    server: manageProcess("redis", redis.server, port),
    close: async () => {
      await redis.server.stop();
      temp.remove();
    },
  };
}
