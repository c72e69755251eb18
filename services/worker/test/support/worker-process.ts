import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { WORKER_ALLOCATOR_ENV } from "@ingest/provision";

const REPO_ROOT = resolve(import.meta.dirname, "../../../..");

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Parsed pino lines so far. */
  readonly lines: Record<string, unknown>[];
  readonly healthPort: number;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/**
 * Runs `node services/worker/src/main.ts` as the deployment does (glibc's WORKER_ALLOCATOR_ENV included)
 * with the test's environment only, and waits until it reports itself started.
 */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["services/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    // Info level whatever the harness uses: the tests read the worker's log lines.
    env: { PATH: process.env.PATH ?? "", ...WORKER_ALLOCATOR_ENV, WORKER_HEALTH_PORT: "0", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      lines.push({ msg: text });
    }
    for (const wake of waiters) wake();
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string);

  const waitForLine: WorkerProcess["waitForLine"] = (match, timeoutMs = 30_000) =>
    new Promise((done, fail) => {
      const check = () => {
        const found = lines.find(match);
        if (found) {
          cleanup();
          done(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`worker log line not seen within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      void exited.then(() => {
        if (!lines.find(match)) {
          cleanup();
          fail(new Error(`worker exited before the log line; stderr: ${stderr.slice(-2000)}`));
        }
      });
      waiters.add(check);
      check();
    });

  const started = await waitForLine((line) => line.msg === "worker started");
  return { child, lines, healthPort: started.healthPort as number, exited, waitForLine };
}
