import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeOnExit } from "./process-reaper.ts";
import { isProcessAlive } from "./process-alive.ts";

/**
 * Claims a persistent data dir for this process: two stacks on the same files would corrupt
 * them. A lock left by a dead process is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, "servers.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      const forget = removeOnExit(file);
      return () => {
        forget();
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(file, "utf8"));
      if (owner && owner !== process.pid && isProcessAlive(owner)) {
        throw new Error(`${dataDir} is in use by process ${owner} (another "pnpm start"?). Stop it first.`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
