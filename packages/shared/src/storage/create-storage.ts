import type { Config } from "../config/config.ts";
import { createFsStorage } from "./fs.storage.ts";
import { createS3Storage } from "./s3.storage.ts";
import type { Storage } from "./storage.ts";

export function createStorage(settings: Config["storage"]): Storage {
  return settings.driver === "s3" ? createS3Storage(settings.s3) : createFsStorage(settings.fsDir, { durability: settings.durability });
}
