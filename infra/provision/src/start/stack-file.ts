import { chmodSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

/**
 * `.data/stack.json`: what this `pnpm start` chose (servers, ports, storage, credentials), so the
 * CLI finds the running stack without anyone copying variables by hand. The CLI's reader is
 * services/cli/src/stack-file.ts (version 1). Mode 0600: it holds the local object store's keys.
 */

/** The service variables the CLI needs to reach the same data; nothing else is written. */
export const STACK_VARIABLES = [
  "STORE",
  "SQLITE_PATH",
  "DURABILITY",
  "MONGO_URL",
  "MONGO_DB",
  "REDIS_URL",
  "QUEUE_PREFIX",
  "STORAGE_DRIVER",
  "FS_STORAGE_DIR",
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_BUCKET",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE",
  "S3_KEY_PREFIX",
  "PUBLIC_BASE_URL",
] as const;

/** Paths the services resolve against their working directory (the repo root): made absolute, so the CLI may run anywhere. */
const PATH_VARIABLES = new Set(["SQLITE_PATH", "FS_STORAGE_DIR"]);

export interface StackFileContent {
  readonly version: 1;
  readonly pid: number;
  readonly startedAt: string;
  readonly apiUrl: string;
  readonly workerUrl: string;
  readonly env: Record<string, string>;
}

export function stackFileContent(options: { root: string; apiUrl: string; workerUrl: string; env: NodeJS.ProcessEnv }): StackFileContent {
  const env: Record<string, string> = {};
  for (const name of STACK_VARIABLES) {
    const value = options.env[name];
    if (value === undefined || value === "") continue;
    env[name] = PATH_VARIABLES.has(name) && !isAbsolute(value) ? resolve(options.root, value) : value;
  }
  return { version: 1, pid: process.pid, startedAt: new Date().toISOString(), apiUrl: options.apiUrl, workerUrl: options.workerUrl, env };
}

/** Written whole or not at all (a temp file renamed over the old one), readable by this user only. */
export function writeStackFile(file: string, content: StackFileContent): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
