import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { WORKER_ALLOCATOR_ENV } from "@ingest/provision";

const REPO_ROOT = resolve(import.meta.dirname, "../../../..");

export interface RunningWorker {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `node services/worker/src/main.ts` with the test's environment (the CLI hands its work to
 * real workers), resolved once the worker logs that it started.
 */
export async function startWorker(env: Record<string, string>): Promise<RunningWorker> {
  const child = spawn(process.execPath, ["services/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", ...WORKER_ALLOCATOR_ENV, WORKER_HEALTH_PORT: "0", WORKER_CONCURRENCY: "2", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const started = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker did not start within 60 s:\n${output.slice(-2000)}`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      output += `${line}\n`;
      if (line.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        done();
      }
    });
    child.stderr!.on("data", (chunk) => {
      output += chunk;
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`worker exited (${code}) before it started:\n${output.slice(-2000)}`));
    });
  });
  await started;
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
