import { AppProcess, type AppProcessSpec } from "./app-process.ts";

export interface SupervisionOptions {
  /** A line for the terminal ("[start] …"). */
  say(line: string): void;
  /** First restart delay; doubled for each quick crash in a row. Default 1 s. */
  initialDelayMs?: number;
  /** The longest delay between restarts. Default 30 s. */
  maxDelayMs?: number;
  /** A process that ran this long before exiting starts the backoff over. Default 60 s. */
  stableAfterMs?: number;
}

/**
 * One of the project's services under `pnpm start`, started again with backoff whenever it exits
 * without being asked to (a crash, an OOM kill, `kill -9`), as the local servers are. Stopping
 * it ends the supervision.
 */
export class SupervisedApp {
  readonly #spec: AppProcessSpec;
  readonly #options: Required<SupervisionOptions>;
  #current: AppProcess;
  #stopping = false;
  #quickCrashes = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #restarts = 0;

  constructor(spec: AppProcessSpec, options: SupervisionOptions) {
    this.#spec = spec;
    this.#options = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000, ...options };
    this.#current = this.#launch();
  }

  get name(): string {
    return this.#spec.name;
  }

  /** Whether the current process runs (false between a crash and its restart). */
  get running(): boolean {
    return this.#current.running;
  }

  /** How many times it was started again. */
  get restarts(): number {
    return this.#restarts;
  }

  #launch(): AppProcess {
    const started = Date.now();
    const app = new AppProcess(this.#spec);
    void app.exited.then((reason) => {
      if (this.#stopping) return;
      this.#quickCrashes = Date.now() - started >= this.#options.stableAfterMs ? 0 : this.#quickCrashes + 1;
      const delay = Math.min(this.#options.maxDelayMs, this.#options.initialDelayMs * 2 ** Math.max(0, this.#quickCrashes - 1));
      this.#options.say(`${this.name} stopped unexpectedly (${reason}); starting it again in ${formatSeconds(delay)}`);
      this.#restartTimer = setTimeout(() => {
        if (this.#stopping) return;
        this.#restarts++;
        this.#current = this.#launch();
        this.#options.say(`${this.name} started again (restart ${this.#restarts}, pid ${this.#current.pid ?? "?"})`);
      }, delay);
    });
    return app;
  }

  /** Stops supervising, then SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    await this.#current.stop(graceMs);
  }

  /** Kills it at once (a second Ctrl-C). */
  kill(): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.#current.kill();
  }
}

function formatSeconds(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`;
}
