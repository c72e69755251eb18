import type { Repositories } from "../repositories.ts";
import type { StoreTransfer } from "./store-transfer.ts";

export const STORE_KINDS = ["sqlite", "mongodb"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * What a 201 outlives on one machine. `crash`: any process crash or kill (SQLite in WAL with
 * synchronous=NORMAL, object files renamed into place without fsync); `power`: a power cut or
 * kernel panic too (synchronous=FULL, and each object file and its folder fsynced before the
 * commit), at the cost of several fsyncs an upload. S3 and MongoDB keep their own guarantees.
 */
export const DURABILITIES = ["crash", "power"] as const;
export type Durability = (typeof DURABILITIES)[number];
/** What DURABILITY is when it is not set, and what an adapter opened without a setting gets. */
export const DEFAULT_DURABILITY: Durability = "crash";

/** Where the truth of what is referenced lives: which backend, and how to reach it. */
export type StoreSettings =
  | { readonly kind: "sqlite"; readonly path: string; readonly durability?: Durability }
  | {
      readonly kind: "mongodb";
      readonly url: string;
      readonly dbName: string;
      /** Deadline of one operation on the wire and of a wait for a pooled connection (DEPENDENCY_TIMEOUT_MS). */
      readonly timeoutMs?: number;
    };

/**
 * One backend's records, read in id order a page at a time and written back as they were (same
 * ids, versions and timestamps). Writing a record whose id is already there leaves it alone, so a
 * copy that stopped half-way can simply run again.
 */
export interface Transferable<T> {
  read(afterId: string | null, limit: number): Promise<readonly T[]>;
  /** Returns how many of `items` were new to this store. */
  write(items: readonly T[]): Promise<number>;
}

/** An open store: the repositories over one backend, its health, and its records for copying. */
export interface Store {
  readonly kind: StoreKind;
  /** For logs and the CLI: "SQLite .data/ingest.sqlite", "MongoDB protocol at 127.0.0.1:27017/image_ingest". */
  readonly description: string;
  readonly repositories: Repositories;
  readonly transfer: StoreTransfer;
  /** Throws when the backend does not answer (within about 2 s). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
