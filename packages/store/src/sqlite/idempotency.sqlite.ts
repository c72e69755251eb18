import type { IdempotencyClaim, IdempotencyRepository, IdempotencyResponse } from "@ingest/shared";
import type { SqliteDatabase } from "./sqlite-database.ts";

interface ClaimRow {
  company_id: string;
  key: string;
  attempt: number;
  fingerprint: string;
  product_id: string;
  image_id: string;
  created_at: number;
  expires_at: number;
  /** JSON of IdempotencyResponse, or null while in flight. */
  response: string | null;
}

/** Every statement this repository runs, by name (the query-plan test checks each uses a key or an index). */
export const IDEMPOTENCY_QUERIES = {
  // The primary key (company_id, key, attempt), read backwards.
  latest: "SELECT * FROM idempotency_keys WHERE company_id = ? AND key = ? ORDER BY attempt DESC LIMIT 1",
  claim:
    "INSERT INTO idempotency_keys (company_id, key, attempt, fingerprint, product_id, image_id, created_at, expires_at, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
  complete: "UPDATE idempotency_keys SET response = ? WHERE company_id = ? AND key = ? AND attempt = ?",
  release: "DELETE FROM idempotency_keys WHERE company_id = ? AND key = ? AND attempt = ?",
  // idempotency_keys_by_expiry, a bounded batch at a time.
  pruneExpired: "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at < ? LIMIT ?)",
} as const;

export function createSqliteIdempotencyRepository(db: SqliteDatabase): IdempotencyRepository {
  const q = IDEMPOTENCY_QUERIES;
  return {
    async find(companyId, key) {
      const row = db.get<ClaimRow>(q.latest, companyId, key);
      return row ? toClaim(row) : null;
    },
    async claim(claim) {
      const { companyId, key, attempt, fingerprint, productId, imageId, createdAt, expiresAt } = claim;
      return db.run(q.claim, companyId, key, attempt, fingerprint, productId, imageId, createdAt.getTime(), expiresAt.getTime()) === 1;
    },
    async complete(companyId, key, attempt, response) {
      db.run(q.complete, JSON.stringify(response), companyId, key, attempt);
    },
    async release(companyId, key, attempt) {
      db.run(q.release, companyId, key, attempt);
    },
    async pruneExpired(now, limit) {
      return db.run(q.pruneExpired, now.getTime(), limit);
    },
  };
}

function toClaim(row: ClaimRow): IdempotencyClaim {
  return {
    companyId: row.company_id,
    key: row.key,
    attempt: row.attempt,
    fingerprint: row.fingerprint,
    productId: row.product_id,
    imageId: row.image_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    response: row.response === null ? null : (JSON.parse(row.response) as IdempotencyResponse),
  };
}
