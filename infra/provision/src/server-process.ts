import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync, readFileSync } from "node:fs";
import { withParentDeathSignal } from "./parent-death-signal.ts";
import { reapOnExit, signalProcessGroup } from "./process-reaper.ts";
import { waitUntil } from "./wait-until.ts";

export interface ServerProcessSpec {
  /** For messages: "redis-server". */
  name: string;
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** stdout and stderr go here (appended), so a failure can quote the server's own words. */
  logFile: string;
  /** Resolves true once the server answers requests. */
  isReady: () => Promise<boolean>;
  /** How long start() waits for isReady. Default 60 s (a cold MinIO on a busy 2-core box is slow). */
  readyTimeoutMs?: number;
  /**
   * The signal the server gets if this process dies first: SIGKILL when its data is thrown away
   * anyway, SIGTERM when it should flush persistent data.
   */
  parentDeathSignal: NodeJS.Signals;
}

const STOP_GRACE_MS = 10_000;

/** A server binary run as a child process: started, probed until ready, stopped, restarted. */
export class ServerProcess {
  readonly #spec: ServerProcessSpec;
  #child: ChildProcess | undefined;
  #stopping = false;
  readonly #exitListeners = new Set<(reason: string) => void>();

  constructor(spec: ServerProcessSpec) {
    this.#spec = spec;
  }

  get name(): string {
    return this.#spec.name;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const spec = this.#spec;
    const log = openSync(spec.logFile, "a");
    const [command, args] = withParentDeathSignal(spec.command, spec.args, spec.parentDeathSignal);
    // Detached: its own process group, so a terminal's Ctrl-C reaches only us and we stop the
    // servers after the processes that use them.
    const child = spawn(command, args, {
      stdio: ["ignore", log, log],
      detached: true,
      env: { ...process.env, ...spec.env },
    });
    closeSync(log);
    this.#child = child;
    reapOnExit(child, spec.parentDeathSignal);

    let exitReason: string | undefined;
    let ready = false;
    child.once("error", (error) => {
      exitReason = error.message;
      if (this.#child === child) this.#child = undefined;
    });
    child.once("exit", (code, signal) => {
      exitReason = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (this.#child === child) this.#child = undefined;
      if (ready && !this.#stopping) for (const listener of this.#exitListeners) listener(exitReason);
    });

    const timeoutMs = spec.readyTimeoutMs ?? 60_000;
    ready = await waitUntil(spec.isReady, {
      timeoutMs,
      abort: () =>
        exitReason === undefined ? undefined : new Error(`${spec.name} stopped while starting (${exitReason}).\n${this.logTail()}`),
    });
    if (!ready) {
      await this.stop();
      throw new Error(`${spec.name} did not answer within ${timeoutMs / 1000} s.\n${this.logTail()}`);
    }
  }

  async stop(): Promise<void> {
    await this.#end((child) => {
      signalProcessGroup(child, "SIGTERM");
      return setTimeout(() => signalProcessGroup(child, "SIGKILL"), STOP_GRACE_MS);
    });
  }

  /**
   * SIGKILL, the way a crash or the OOM killer ends a server: no shutdown of its own. start()
   * brings it back on the same address. Fault tests only.
   */
  async kill(): Promise<void> {
    await this.#end((child) => {
      signalProcessGroup(child, "SIGCONT");
      signalProcessGroup(child, "SIGKILL");
      return undefined;
    });
  }

  /** Signals the running child (`signal` may arm a timer, cleared on exit) and waits for its exit. */
  async #end(signal: (child: ChildProcess) => NodeJS.Timeout | undefined): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    try {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        const timer = signal(child);
        await exited;
        clearTimeout(timer);
      }
    } finally {
      if (this.#child === child) this.#child = undefined;
      this.#stopping = false;
    }
  }

  /**
   * Freezes (SIGSTOP) or thaws (SIGCONT) the server's process group: it keeps its sockets open
   * and answers nothing, the way a hung server does. Fault tests only; always resume in a finally.
   */
  pause(): void {
    if (this.#child) signalProcessGroup(this.#child, "SIGSTOP");
  }

  resume(): void {
    if (this.#child) signalProcessGroup(this.#child, "SIGCONT");
  }

  onUnexpectedExit(listener: (reason: string) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** The last lines of the server's log, introduced by its path. */
  logTail(lines = 25): string {
    let text: string;
    try {
      text = readFileSync(this.#spec.logFile, "utf8");
    } catch {
      return `(no log at ${this.#spec.logFile})`;
    }
    const tail = text.trimEnd().split("\n").slice(-lines).join("\n");
    return `Last lines of ${this.#spec.logFile}:\n${tail || "(empty)"}`;
  }
}
