import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { API_NODE_FLAGS, findFreePort } from "@ingest/provision";

const API_MAIN = fileURLToPath(new URL("../../services/api/src/main.ts", import.meta.url));

export interface RunningApi {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The API as `pnpm start` runs it, on a free loopback port, quiet; resolves once /readyz says 200. */
export async function startApi(env: Record<string, string>): Promise<RunningApi> {
  const port = await findFreePort();
  // BENCH_CPU_PROF_DIR=<folder>: the API writes a V8 CPU profile there when it stops (--cpu-prof).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...API_NODE_FLAGS, ...profile, API_MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env, API_HOST: "127.0.0.1", API_PORT: String(port), LOG_LEVEL: "warn", PUBLIC_BASE_URL: `http://127.0.0.1:${port}/files` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited at start: ${errors}`);
    const ready = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((reply) => reply.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the API was not ready within 60 s: ${errors}`);
    await sleep(100);
  }
  return {
    baseUrl,
    child,
    stop: () => stopChild(child),
  };
}

/** SIGTERM and wait for the exit (a graceful stop); nothing to do for a child that already ended. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
