import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { withParentDeathSignal } from "../parent-death-signal.ts";
import { signalProcessGroup } from "../process-reaper.ts";

export interface AppProcessSpec {
  /** Prefix of its output lines: "api", "worker". */
  name: string;
  /** Script path, run with this Node. */
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** ANSI colour code for the prefix. */
  color: number;
}

/** One of the project's own services, run as a child with its output prefixed. */
export class AppProcess {
  readonly #spec: AppProcessSpec;
  readonly #child: ChildProcess;
  readonly exited: Promise<string>;

  constructor(spec: AppProcessSpec) {
    this.#spec = spec;
    const [command, args] = withParentDeathSignal(process.execPath, [spec.script], "SIGTERM");
    // Detached, so a terminal's Ctrl-C is not delivered to it as well: it gets exactly one
    // SIGTERM, from us, and shuts down gracefully once.
    this.#child = spawn(command, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.exited = new Promise((resolve) => {
      this.#child.once("error", (error) => resolve(error.message));
      this.#child.once("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
    const prefix = process.stdout.isTTY ? `\x1b[${spec.color}m[${spec.name}]\x1b[0m` : `[${spec.name}]`;
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${prefix} ${line}\n`));
    }
  }

  get name(): string {
    return this.#spec.name;
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
