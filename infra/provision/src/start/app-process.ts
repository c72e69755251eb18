import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { createInterface } from "node:readline";
import { withParentDeathSignal } from "../parent-death-signal.ts";
import { signalProcessGroup } from "../process-reaper.ts";

export interface AppProcessSpec {
  /** Prefix of its output lines: "api", "worker". */
  name: string;
  /** Script path, run with this Node. */
  script: string;
  /** Flags for Node before the script (API_NODE_FLAGS for the API). */
  nodeFlags?: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** ANSI colour code for the prefix. */
  color: number;
  /**
   * Where every output line goes as well (`.data/logs/<name>.log`). With it, only warnings,
   * errors and lines that are not pino JSON reach the terminal, unless `verbose`.
   */
  log?: { stream: Writable; verbose: boolean };
}

/** pino's numeric level of a JSON log line, or null for any other line. */
function pinoLevel(line: string): number | null {
  if (!line.startsWith("{")) return null;
  const match = /"level":(\d+)/.exec(line);
  return match ? Number(match[1]) : null;
}
const PINO_WARN = 40;

/** One of the project's own services, run as a child with its output prefixed. */
export class AppProcess {
  readonly #spec: AppProcessSpec;
  readonly #child: ChildProcess;
  readonly exited: Promise<string>;

  constructor(spec: AppProcessSpec) {
    this.#spec = spec;
    const [command, args] = withParentDeathSignal(process.execPath, [...(spec.nodeFlags ?? []), spec.script], "SIGTERM");
    // Detached, so a terminal's Ctrl-C is not delivered to it as well: it gets exactly one
    // SIGTERM, from us, and shuts down gracefully once.
    this.#child = spawn(command, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.exited = new Promise((resolve) => {
      this.#child.once("error", (error) => resolve(error.message));
      this.#child.once("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
    const prefix = process.stdout.isTTY ? `\x1b[${spec.color}m[${spec.name}]\x1b[0m` : `[${spec.name}]`;
    const { log } = spec;
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        log?.stream.write(`${line}\n`);
        const level = pinoLevel(line);
        if (!log || log.verbose || level === null || level >= PINO_WARN) process.stdout.write(`${prefix} ${line}\n`);
      });
    }
  }

  get name(): string {
    return this.#spec.name;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    const exited = once(this.#child, "exit");
    signalProcessGroup(this.#child, "SIGTERM");
    const kill = setTimeout(() => {
      process.stderr.write(`[start] ${this.name} did not stop within ${graceMs / 1000} s; killing it\n`);
      signalProcessGroup(this.#child, "SIGKILL");
    }, graceMs);
    await exited;
    clearTimeout(kill);
  }

  /** Kills it at once (a second Ctrl-C). */
  kill(): void {
    signalProcessGroup(this.#child, "SIGKILL");
  }
}
