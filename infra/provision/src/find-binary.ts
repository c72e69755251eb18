import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** Where infra/local/install-services.sh puts the servers it builds (keep the two in step). */
export function serversDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INGEST_SERVERS_DIR) return env.INGEST_SERVERS_DIR;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(cache, "image-ingest", "servers", "bin");
}

/** The executable's path: the servers dir first (pinned builds), then PATH. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [serversDir(env), ...(env.PATH ?? "").split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
