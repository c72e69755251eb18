import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { API_NODE_FLAGS } from "@ingest/provision";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface ApiProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (its JSON log lines). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * `node services/api/src/main.ts` as its own process, as `pnpm start` runs it (API_NODE_FLAGS included) (or another entry
 * point, such as a test's fault-injecting one); resolves once /healthz answers.
 */
export async function startApiProcess(env: Record<string, string>, port: number, main = MAIN): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...API_NODE_FLAGS, main], {
    env: { ...process.env, ...env, API_HOST: "127.0.0.1", API_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the API exited at start:\n${output}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (attempt > 600) throw new Error(`the API did not answer /healthz:\n${output}`);
    await sleep(50);
  }
  return {
    baseUrl,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
