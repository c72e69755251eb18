import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** `<repo>/.data/stack.json`, where `pnpm start` writes what it chose. */
export const DEFAULT_STACK_FILE = resolve(import.meta.dirname, "../../../.data/stack.json");

/**
 * What `pnpm start` writes (infra/provision/src/start/stack-file.ts is the writer; the two agree
 * on this shape, version 1): the service environment it gave the API and the worker, so the CLI
 * finds the same servers without anyone copying variables by hand.
 */
export interface StackFile {
  readonly path: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly apiUrl: string;
  readonly env: Readonly<Record<string, string>>;
  /** Whether the `pnpm start` that wrote it still runs. */
  readonly running: boolean;
}

/** The stack file, or undefined when there is none (a production host, or no start yet). */
export function readStackFile(path: string): StackFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: Partial<Omit<StackFile, "path" | "running">> & { version?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON; delete it and run "pnpm start" again`);
  }
  const env = parsed.env;
  if (parsed.version !== 1 || typeof env !== "object" || env === null || Object.values(env).some((value) => typeof value !== "string")) {
    throw new Error(`${path} is not a stack file this CLI understands (version 1); delete it and run "pnpm start" again`);
  }
  const pid = typeof parsed.pid === "number" ? parsed.pid : 0;
  return {
    path,
    pid,
    startedAt: String(parsed.startedAt ?? ""),
    apiUrl: String(parsed.apiUrl ?? ""),
    env,
    running: pid > 0 && isProcessAlive(pid),
  };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
