import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { AppError, DEFAULT_DURABILITY, type Durability } from "@ingest/shared";

/**
 * How long a statement waits for another process's write lock before giving up. Transactions here
 * last microseconds (no await inside one, never across I/O), so a wait this long means something
 * is wrong; it becomes a 503 instead of a frozen process.
 */
const BUSY_TIMEOUT_MS = 5_000;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

export type Row = Record<string, SQLInputValue>;

/**
 * One synchronous connection to the store's file, shared by a process's repositories. The API and
 * the worker are separate processes with a connection each; WAL lets readers go on while one of
 * them writes, and the busy timeout serialises the writers.
 */
export interface SqliteDatabase {
  readonly path: string;
  get<T = Row>(sql: string, ...params: SQLInputValue[]): T | undefined;
  all<T = Row>(sql: string, ...params: SQLInputValue[]): T[];
  /** Returns the number of rows changed. */
  run(sql: string, ...params: SQLInputValue[]): number;
  /**
   * Runs `work` in one BEGIN IMMEDIATE transaction: the write lock is taken first, so what `work`
   * reads cannot change before it writes. `work` must be synchronous; a throw rolls back.
   */
  immediate<T>(work: () => T): T;
  /** EXPLAIN QUERY PLAN of a statement, one line per step (tests check that every query uses an index). */
  plan(sql: string): string[];
  exec(sql: string): void;
  close(): void;
}

export function openSqliteDatabase(path: string, options: { durability: Durability } = { durability: DEFAULT_DURABILITY }): SqliteDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.exec("PRAGMA journal_mode = WAL");
  // NORMAL under WAL: a commit is in the WAL file, not yet fsynced, when it returns; it outlives
  // any process crash, and a power cut may roll back the last ones (no corruption either way).
  // FULL fsyncs the WAL on every commit (about 1.7 ms on this disk, on the event loop, since
  // node:sqlite is synchronous), for a 201 that outlives a power cut as well.
  db.exec(`PRAGMA synchronous = ${options.durability === "power" ? "FULL" : "NORMAL"}`);
  const statements = new Map<string, StatementSync>();

  const prepared = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  return {
    path,
    get: (sql, ...params) => guard(() => prepared(sql).get(...params)) as never,
    all: (sql, ...params) => guard(() => prepared(sql).all(...params)) as never,
    run: (sql, ...params) => Number(guard(() => prepared(sql).run(...params)).changes),
    immediate(work) {
      guard(() => db.exec("BEGIN IMMEDIATE"));
      try {
        const result = work();
        guard(() => db.exec("COMMIT"));
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
    plan: (sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail),
    exec: (sql) => guard(() => db.exec(sql)),
    close: () => db.close(),
  };
}

/** A lock held too long by another process is "try again", not a bug: 503 with Retry-After. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { errcode?: unknown }).errcode;
    if (typeof code === "number" && ((code & 0xff) === SQLITE_BUSY || (code & 0xff) === SQLITE_LOCKED)) {
      throw new AppError("dependency_unavailable", "Service temporarily unavailable; retry shortly.", { cause: error, headers: { "retry-after": "1" } });
    }
    throw error;
  }
}
