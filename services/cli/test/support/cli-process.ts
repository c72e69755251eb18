import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const CLI_MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `./pnpm cli …` is `node services/cli/src/main.ts …`: run it as its own process, as a user
 * would, with only PATH and the given environment (never the test runner's own variables).
 */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_MAIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

export interface RunningCli {
  readonly child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** The exit code, or 128 + the signal's number as a shell reports it. */
  readonly exited: Promise<number>;
}

/** A CLI process left running (for Ctrl-C tests). */
export function startCli(env: Record<string, string>, ...args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code, signal]) => (typeof code === "number" ? code : signal === "SIGINT" ? 130 : 137));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

/** stdout must be exactly one JSON document: nothing before or after it. */
export function parseOnlyJson(run: CliRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
