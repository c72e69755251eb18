import type { Config, JobQueue, Redis, Repositories, Storage, Store } from "@ingest/shared";

/**
 * One top-level CLI command (`keys`, `tokens`, ...). A command parses its own arguments (with
 * node:util parseArgs), prints through the context, and returns an exit code. Register it with
 * one line in command-table.ts.
 */
export interface Command {
  readonly name: string;
  /** One line for `pnpm cli --help`. */
  readonly summary: string;
  /** Full usage, shown for `pnpm cli <name> --help` and after a UsageError. */
  readonly usage: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/**
 * What a command may use. Connections open on first use and are closed by main.ts when the
 * command returns, so a command never closes what it did not open itself.
 */
export interface CommandContext {
  readonly config: Config;
  /** A result line, on stdout (what scripts capture). */
  out(line: string): void;
  /** A note for the human, on stderr. */
  note(line: string): void;
  /** The configured store (SQLite or MongoDB), opened with its schema or indexes in place. */
  store(): Promise<Store>;
  /** The store's repositories. */
  repositories(): Promise<Repositories>;
  /** A fail-fast ("request" mode) Redis connection. */
  redis(): Redis;
  storage(): Storage;
  queue(): JobQueue;
}

/** Bad arguments: main prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
