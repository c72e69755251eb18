import { findBinary } from "./find-binary.ts";
import { findFreePorts } from "./free-port.ts";
import { manageProcess } from "./managed-process.ts";
import { MissingServerError } from "./missing-server.error.ts";
import { ensureBucket } from "./s3-bucket.ts";
import { createMinioServer, LOCAL_S3_CREDENTIALS } from "./servers/minio.server.ts";
import type { ManagedServer, S3Settings } from "./service-settings.ts";
import { createTempDir } from "./temp-dir.ts";

export interface DedicatedMinio {
  s3: S3Settings;
  /** stop()/start() keep the address; pause()/resume() freeze it (SIGSTOP/SIGCONT). */
  server: ManagedServer & Required<Pick<ManagedServer, "pause" | "resume">>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

/**
 * An S3 server of one's own (a local MinIO), for tests that freeze or stop it, which the run's
 * shared one must never be. Local only: a container cannot be paused from here.
 */
export async function startMinioServer(options: { bucket?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DedicatedMinio> {
  const binary = findBinary("minio", options.env ?? process.env);
  if (!binary) throw new MissingServerError(["minio"]);
  const temp = createTempDir();
  const [port, consolePort] = (await findFreePorts(2)) as [number, number];
  const minio = createMinioServer({ binary, port, consolePort, dataDir: `${temp.path}/data`, logDir: temp.path, persistent: false });
  const s3: S3Settings = { endpoint: minio.url, region: "us-east-1", bucket: options.bucket ?? "images", forcePathStyle: true, ...LOCAL_S3_CREDENTIALS };
  try {
    await minio.server.start();
    await ensureBucket(s3);
  } catch (error) {
    await minio.server.stop();
    temp.remove();
    throw error;
  }
  const managed = manageProcess("s3", minio.server, port);
  return {
    s3,
    server: { ...managed, pause: () => minio.server.pause(), resume: () => minio.server.resume() },
    close: async () => {
      minio.server.resume();
      await minio.server.stop();
      temp.remove();
    },
  };
}
