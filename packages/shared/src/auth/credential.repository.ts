import type { Collection, Db } from "mongodb";
import type { RateLimit } from "../limits/rate-limit.ts";
import type { Scope } from "./scopes.ts";

interface ApiKeyDoc {
  _id: string; // lookup id
  companyId: string;
  name: string;
  hash: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
  rateLimit?: RateLimit | null; // absent on keys made before per-key limits
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

export interface ApiKeyRecord {
  readonly lookupId: string;
  readonly companyId: string;
  readonly name: string;
  readonly hash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  /** This key's own rate limit, replacing the configured ones; absent or null: the defaults. */
  readonly rateLimit?: RateLimit | null;
}

export interface CredentialRepository {
  createCompany(id: string, name: string): Promise<void>;
  companyExists(id: string): Promise<boolean>;
  insertApiKey(record: Omit<ApiKeyRecord, "createdAt" | "revokedAt">): Promise<void>;
  findApiKey(lookupId: string): Promise<ApiKeyRecord | null>;
  listApiKeys(companyId?: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(lookupId: string): Promise<boolean>;
  revokeToken(jti: string, expiresAt: Date): Promise<void>;
  isTokenRevoked(jti: string): Promise<boolean>;
  /** Forgets revocations of tokens that have expired anyway (FerretDB has no TTL indexes). */
  pruneRevokedTokens(now: Date): Promise<number>;
  ensureIndexes(): Promise<void>;
}

export function createCredentialRepository(db: Db): CredentialRepository {
  const keys: Collection<ApiKeyDoc> = db.collection("api_keys");
  const revoked: Collection<RevokedTokenDoc> = db.collection("revoked_tokens");
  const companies: Collection<CompanyDoc> = db.collection("companies");
  const toRecord = ({ _id, ...rest }: ApiKeyDoc): ApiKeyRecord => ({ lookupId: _id, ...rest });

  return {
    async ensureIndexes() {
      await keys.createIndex({ companyId: 1 }, { name: "company" });
      await revoked.createIndex({ expiresAt: 1 }, { name: "expires" });
    },
    async createCompany(id, name) {
      await companies.insertOne({ _id: id, name, createdAt: new Date() });
    },
    async companyExists(id) {
      return (await companies.countDocuments({ _id: id }, { limit: 1 })) > 0;
    },
    async insertApiKey(record) {
      await keys.insertOne({ _id: record.lookupId, ...record, scopes: [...record.scopes], createdAt: new Date(), revokedAt: null });
    },
    async findApiKey(lookupId) {
      const doc = await keys.findOne({ _id: lookupId });
      return doc ? toRecord(doc) : null;
    },
    async listApiKeys(companyId) {
      const docs = await keys.find(companyId ? { companyId } : {}).sort({ createdAt: 1 }).toArray();
      return docs.map(toRecord);
    },
    async revokeApiKey(lookupId) {
      const result = await keys.updateOne({ _id: lookupId, revokedAt: null }, { $set: { revokedAt: new Date() } });
      return result.modifiedCount === 1;
    },
    async revokeToken(jti, expiresAt) {
      await revoked.updateOne({ _id: jti }, { $set: { expiresAt, revokedAt: new Date() } }, { upsert: true });
    },
    async isTokenRevoked(jti) {
      return (await revoked.countDocuments({ _id: jti }, { limit: 1 })) > 0;
    },
    async pruneRevokedTokens(now) {
      return (await revoked.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}
