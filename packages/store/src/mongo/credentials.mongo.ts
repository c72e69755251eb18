import type { ApiKeyRecord, CompanyRecord, CredentialRepository, RateLimit, RevokedTokenRecord, Scope, Transferable } from "@ingest/shared";
import type { Collection, Db } from "mongodb";
import { insertNew } from "./insert-new.ts";

interface ApiKeyDoc {
  _id: string; // lookup id
  companyId: string;
  name: string;
  hash: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
  /** Absent on keys written before rotation existed: read as null. */
  expiresAt?: Date | null;
  /** Absent on keys made before per-key limits: read as null (the configured defaults). */
  rateLimit?: RateLimit | null;
}

interface RevokedTokenDoc {
  _id: string; // jti
  expiresAt: Date;
  revokedAt: Date;
}

interface CompanyDoc {
  _id: string;
  name: string;
  createdAt: Date;
}

export async function ensureCredentialIndexes(db: Db): Promise<void> {
  await db.collection("api_keys").createIndex({ companyId: 1, createdAt: 1 }, { name: "company_created" });
  await db.collection("api_keys").createIndex({ createdAt: 1 }, { name: "created" });
  await db.collection("revoked_tokens").createIndex({ expiresAt: 1 }, { name: "expires" });
}

export interface CredentialTransfer {
  readonly companies: Transferable<CompanyRecord>;
  readonly apiKeys: Transferable<ApiKeyRecord>;
  readonly revokedTokens: Transferable<RevokedTokenRecord>;
}

export function createMongoCredentialRepository(db: Db): CredentialRepository & { readonly transfer: CredentialTransfer } {
  const keys: Collection<ApiKeyDoc> = db.collection("api_keys");
  const revoked: Collection<RevokedTokenDoc> = db.collection("revoked_tokens");
  const companies: Collection<CompanyDoc> = db.collection("companies");
  const toKey = ({ _id, expiresAt, rateLimit, ...rest }: ApiKeyDoc): ApiKeyRecord => ({
    lookupId: _id,
    ...rest,
    expiresAt: expiresAt ?? null,
    rateLimit: rateLimit ? { max: rateLimit.max, windowMs: rateLimit.windowMs } : null,
  });

  /** Pages a collection by _id (always indexed). */
  const pageOf =
    <D extends { _id: string }>(collection: Collection<D>) =>
    (afterId: string | null, limit: number) =>
      collection
        .find(afterId === null ? {} : { _id: { $gt: afterId } } as never)
        .sort({ _id: 1 })
        .limit(limit)
        .toArray() as Promise<D[]>;

  return {
    async createCompany(id, name) {
      await companies.insertOne({ _id: id, name, createdAt: new Date() });
    },
    async companyExists(id) {
      return (await companies.countDocuments({ _id: id }, { limit: 1 })) > 0;
    },
    async listCompanies() {
      // A full read by design: an operator's list of the (few) tenants, never a request's path.
      const docs = await companies.find({}).sort({ createdAt: 1, _id: 1 }).toArray();
      return docs.map(({ _id, name, createdAt }) => ({ id: _id, name, createdAt }));
    },
    async insertApiKey(record) {
      await keys.insertOne({
        _id: record.lookupId,
        ...record,
        scopes: [...record.scopes],
        createdAt: new Date(),
        revokedAt: null,
        expiresAt: null,
        rateLimit: record.rateLimit ? { max: record.rateLimit.max, windowMs: record.rateLimit.windowMs } : null,
      });
    },
    async findApiKey(lookupId) {
      const doc = await keys.findOne({ _id: lookupId });
      return doc ? toKey(doc) : null;
    },
    async listApiKeys(companyId) {
      // company_created, or created for every company's keys.
      const docs = await keys.find(companyId ? { companyId } : {}).sort({ createdAt: 1 }).toArray();
      return docs.map(toKey);
    },
    async revokeApiKey(lookupId) {
      const result = await keys.updateOne({ _id: lookupId, revokedAt: null }, { $set: { revokedAt: new Date() } });
      return result.modifiedCount === 1;
    },
    async expireApiKey(lookupId, at) {
      // _id; the conditions are checked on the one document (never extends an earlier end).
      const result = await keys.updateOne(
        { _id: lookupId, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $exists: false } }, { expiresAt: { $gt: at } }] },
        { $set: { expiresAt: at } },
      );
      return result.modifiedCount === 1;
    },
    async revokeToken(jti, expiresAt) {
      await revoked.updateOne({ _id: jti }, { $set: { expiresAt, revokedAt: new Date() } }, { upsert: true });
    },
    async isTokenRevoked(jti) {
      return (await revoked.countDocuments({ _id: jti }, { limit: 1 })) > 0;
    },
    async pruneRevokedTokens(now) {
      // expires: range on expiresAt (FerretDB has no TTL indexes, so this runs with reconciliation).
      return (await revoked.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },

    transfer: {
      companies: {
        read: async (afterId, limit) => (await pageOf(companies)(afterId, limit)).map(({ _id, ...rest }) => ({ id: _id, ...rest })),
        write: async (items) => (await insertNew(companies, items.map(({ id, ...rest }) => ({ _id: id, ...rest })))).length,
      },
      apiKeys: {
        read: async (afterId, limit) => (await pageOf(keys)(afterId, limit)).map(toKey),
        write: async (items) =>
          (await insertNew(keys, items.map(({ lookupId, ...rest }) => ({ _id: lookupId, ...rest, scopes: [...rest.scopes], rateLimit: rest.rateLimit ? { ...rest.rateLimit } : null })))).length,
      },
      revokedTokens: {
        read: async (afterId, limit) => (await pageOf(revoked)(afterId, limit)).map(({ _id, ...rest }) => ({ jti: _id, ...rest })),
        write: async (items) => (await insertNew(revoked, items.map(({ jti, ...rest }) => ({ _id: jti, ...rest })))).length,
      },
    },
  };
}
