/**
 * Idempotency keys for uploads (issue 12). A caller's key, scoped to its company, is claimed by
 * the first request that carries it; the claim names the image id that request will create, so a
 * retry after a crash can tell from the product whether the image was committed.
 *
 * A key has numbered attempts. Attempt n+1 may be claimed only when attempt n has expired, or was
 * abandoned (in flight too long and never committed); a claim inserts under a unique key, so of
 * two replicas claiming the same attempt exactly one wins, on SQLite and on MongoDB (FerretDB
 * included) alike. Nothing here depends on a conditional update.
 */
export interface IdempotencyResponse {
  readonly status: number;
  /** The JSON body exactly as first sent. */
  readonly body: string;
  readonly etag: string | null;
}

export interface IdempotencyClaim {
  readonly companyId: string;
  readonly key: string;
  readonly attempt: number;
  /** `<productId>:<sha256 of the file bytes>`: what makes a repeat the same request. */
  readonly fingerprint: string;
  readonly productId: string;
  /** The image the claiming request creates. */
  readonly imageId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** null while the first request is in flight. */
  readonly response: IdempotencyResponse | null;
}

export interface IdempotencyRepository {
  /** The key's latest attempt, or null. */
  find(companyId: string, key: string): Promise<IdempotencyClaim | null>;
  /** Inserts the attempt; false when that attempt of the key is already claimed. */
  claim(claim: Omit<IdempotencyClaim, "response">): Promise<boolean>;
  /** Records the answer of a committed request, for replays. */
  complete(companyId: string, key: string, attempt: number, response: IdempotencyResponse): Promise<void>;
  /** Forgets an attempt that ended without a commit (a 4xx, or a failure before the append). */
  release(companyId: string, key: string, attempt: number): Promise<void>;
  /** Deletes attempts that expired before `now`; returns how many. */
  pruneExpired(now: Date, limit: number): Promise<number>;
}
