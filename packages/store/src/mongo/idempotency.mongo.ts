import type { IdempotencyClaim, IdempotencyRepository, IdempotencyResponse } from "@ingest/shared";
import type { Collection, Db } from "mongodb";
import { insertNew } from "./insert-new.ts";

interface ClaimDoc {
  /** JSON of [companyId, key, attempt]: unique, so of two claims of one attempt exactly one is inserted. */
  _id: string;
  companyId: string;
  key: string;
  attempt: number;
  fingerprint: string;
  productId: string;
  imageId: string;
  createdAt: Date;
  expiresAt: Date;
  response: IdempotencyResponse | null;
}

export async function ensureIdempotencyIndexes(db: Db): Promise<void> {
  await db.collection("idempotency_keys").createIndex({ companyId: 1, key: 1, attempt: -1 }, { name: "company_key_attempt" });
  await db.collection("idempotency_keys").createIndex({ expiresAt: 1 }, { name: "expires" });
}

const idOf = (companyId: string, key: string, attempt: number): string => JSON.stringify([companyId, key, attempt]);

/** Claims rely on the unique _id only (FerretDB applies no conditional update atomically). */
export function createMongoIdempotencyRepository(db: Db): IdempotencyRepository {
  const claims: Collection<ClaimDoc> = db.collection("idempotency_keys");
  return {
    async find(companyId, key) {
      // company_key_attempt.
      const doc = await claims.find({ companyId, key }).sort({ attempt: -1 }).limit(1).next();
      return doc ? toClaim(doc) : null;
    },
    async claim(claim) {
      const doc: ClaimDoc = { _id: idOf(claim.companyId, claim.key, claim.attempt), ...claim, response: null };
      return (await insertNew(claims, [doc])).length === 1;
    },
    async complete(companyId, key, attempt, response) {
      await claims.updateOne({ _id: idOf(companyId, key, attempt) }, { $set: { response: { ...response } } });
    },
    async release(companyId, key, attempt) {
      await claims.deleteOne({ _id: idOf(companyId, key, attempt) });
    },
    async pruneExpired(now, limit) {
      // expires: a bounded batch of ids, then those by _id (FerretDB has no TTL index).
      const expired = await claims.find({ expiresAt: { $lt: now } }, { projection: { _id: 1 } }).sort({ expiresAt: 1 }).limit(limit).toArray();
      if (expired.length === 0) return 0;
      return (await claims.deleteMany({ _id: { $in: expired.map((doc) => doc._id) } })).deletedCount;
    },
  };
}

function toClaim({ _id, response, ...rest }: ClaimDoc): IdempotencyClaim {
  return { ...rest, response: response ? { status: response.status, body: response.body, etag: response.etag } : null };
}
