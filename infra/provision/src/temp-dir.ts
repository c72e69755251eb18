import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeOnExit } from "./process-reaper.ts";
import { isProcessAlive } from "./process-alive.ts";

const PREFIX = "image-ingest-";

/** A fresh temp dir, named after this process so a later run can tell when it was abandoned. */
export function createTempDir(): { path: string; remove: () => void } {
  sweepAbandonedTempDirs();
  const path = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const release = removeOnExit(path);
  return {
    path,
    remove: () => {
      release();
      rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/** Removes temp dirs left by runs that were killed outright (SIGKILL skips every exit handler). */
function sweepAbandonedTempDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^image-ingest-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // Another user's dir or a race with another sweeper: not ours to insist on.
    }
  }
}
