import type { Config } from "../config/config.ts";
import { createFsStorage } from "./fs.storage.ts";
import type { Storage } from "./storage.ts";

/**
 * The configured storage. The S3 adapter is imported only when it is the driver: the AWS SDK
 * is the largest thing a process loads (about 30 MiB of RSS and 6 MiB of heap it would carry,
 * and scan at every full GC, for nothing on the folder store).
 */
export async function createStorage(settings: Config["storage"]): Promise<Storage> {
  if (settings.driver !== "s3") return createFsStorage(settings.fsDir, { durability: settings.durability });
  const { createS3Storage } = await import("./s3.storage.ts");
  return createS3Storage(settings.s3);
}
