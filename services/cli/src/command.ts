import type { Config } from "@ingest/shared/config";
import type { JobQueue, QueueInspector } from "@ingest/shared/queue";
import type { Redis } from "@ingest/shared/redis";
import type { Repositories, Store } from "@ingest/shared/store";
import type { Storage } from "@ingest/shared/storage";

/**
 * What a command's action may use. Connections open on first use (their libraries are imported
 * then, so `--help` loads none of them) and are closed when the action returns, so an action
 * never closes what it did not open itself.
 */
export interface CommandContext {
  readonly config: Config;
  /** `--json`: stdout carries exactly one JSON document and nothing else. */
  readonly json: boolean;
  /** A result line for humans: stdout, or stderr under --json (stdout is the JSON's alone). */
  out(line: string): void;
  /** A note for the human, always on stderr. */
  note(line: string): void;
  /** The command's result: JSON on stdout under --json, else whatever `human` prints. */
  result(value: unknown, human: () => void): void;
  /** The configured store (SQLite or MongoDB), opened with its schema or indexes in place. */
  store(): Promise<Store>;
  /** The store's repositories. */
  repositories(): Promise<Repositories>;
  /** A fail-fast ("request" mode) Redis connection. */
  redis(): Promise<Redis>;
  storage(): Promise<Storage>;
  queue(): Promise<JobQueue>;
  queueInspector(): Promise<QueueInspector>;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM: long commands stop at a safe point. */
  readonly interrupted: AbortSignal;
}

/** Exit codes, as the README lists them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad arguments: the message and the command's help are printed, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A command that ran and could not do what was asked (no such company, key, image): exit 1. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandFailure";
  }
}

/** Company ids end up in storage keys and URLs: plain characters only. */
export const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function requireCompanyId(value: string): string {
  if (!COMPANY_ID.test(value)) throw new UsageError(`a company id holds only letters, digits, _ and - (at most 64), got ${JSON.stringify(value)}`);
  return value;
}
