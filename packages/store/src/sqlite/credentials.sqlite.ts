import type { ApiKeyRecord, CompanyRecord, CredentialRepository, RateLimit, RevokedTokenRecord, Scope, Transferable } from "@ingest/shared";
import type { SqliteDatabase } from "./sqlite-database.ts";

interface ApiKeyRow {
  lookup_id: string;
  company_id: string;
  name: string;
  hash: string;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
  expires_at: number | null;
  /** JSON {max, windowMs}, or null for the configured defaults. */
  rate_limit: string | null;
}

/** Every statement this repository runs, by name (the query-plan test checks each uses a key or an index). */
export const CREDENTIAL_QUERIES = {
  insertCompany: "INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?)",
  copyCompany: "INSERT INTO companies (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
  companyExists: "SELECT 1 AS found FROM companies WHERE id = ?",
  // companies_by_created: an operator's list of the (few) tenants.
  listCompanies: "SELECT * FROM companies ORDER BY created_at, id",
  insertKey:
    "INSERT INTO api_keys (lookup_id, company_id, name, hash, scopes, created_at, revoked_at, expires_at, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lookup_id) DO NOTHING",
  findKey: "SELECT * FROM api_keys WHERE lookup_id = ?",
  // api_keys_by_company, or api_keys_by_created for every company's keys.
  keysOfCompany: "SELECT * FROM api_keys WHERE company_id = ? ORDER BY created_at",
  allKeys: "SELECT * FROM api_keys ORDER BY created_at",
  revokeKey: "UPDATE api_keys SET revoked_at = ? WHERE lookup_id = ? AND revoked_at IS NULL",
  expireKey: "UPDATE api_keys SET expires_at = ? WHERE lookup_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
  revokeToken:
    "INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at, revoked_at = excluded.revoked_at",
  copyToken: "INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING",
  tokenRevoked: "SELECT 1 AS found FROM revoked_tokens WHERE jti = ?",
  // revoked_tokens_by_expiry.
  pruneTokens: "DELETE FROM revoked_tokens WHERE expires_at < ?",
  // Primary keys, for copying.
  companiesAfter: "SELECT * FROM companies WHERE id > ? ORDER BY id LIMIT ?",
  keysAfter: "SELECT * FROM api_keys WHERE lookup_id > ? ORDER BY lookup_id LIMIT ?",
  tokensAfter: "SELECT * FROM revoked_tokens WHERE jti > ? ORDER BY jti LIMIT ?",
} as const;

export interface CredentialTransfer {
  readonly companies: Transferable<CompanyRecord>;
  readonly apiKeys: Transferable<ApiKeyRecord>;
  readonly revokedTokens: Transferable<RevokedTokenRecord>;
}

export function createSqliteCredentialRepository(db: SqliteDatabase): CredentialRepository & { readonly transfer: CredentialTransfer } {
  const q = CREDENTIAL_QUERIES;
  const insertKey = (key: ApiKeyRecord) =>
    db.run(
      q.insertKey,
      key.lookupId,
      key.companyId,
      key.name,
      key.hash,
      JSON.stringify(key.scopes),
      key.createdAt.getTime(),
      key.revokedAt?.getTime() ?? null,
      key.expiresAt?.getTime() ?? null,
      key.rateLimit ? JSON.stringify({ max: key.rateLimit.max, windowMs: key.rateLimit.windowMs }) : null,
    );

  return {
    async createCompany(id, name) {
      db.run(q.insertCompany, id, name, Date.now());
    },
    async companyExists(id) {
      return db.get(q.companyExists, id) !== undefined;
    },
    async listCompanies() {
      return db.all<{ id: string; name: string; created_at: number }>(q.listCompanies).map((row) => ({ id: row.id, name: row.name, createdAt: new Date(row.created_at) }));
    },
    async insertApiKey(record) {
      if (insertKey({ ...record, createdAt: new Date(), revokedAt: null, expiresAt: null, rateLimit: record.rateLimit ?? null }) !== 1) throw new Error("an API key with this lookup id exists");
    },
    async findApiKey(lookupId) {
      const row = db.get<ApiKeyRow>(q.findKey, lookupId);
      return row ? toKey(row) : null;
    },
    async listApiKeys(companyId) {
      const rows = companyId ? db.all<ApiKeyRow>(q.keysOfCompany, companyId) : db.all<ApiKeyRow>(q.allKeys);
      return rows.map(toKey);
    },
    async revokeApiKey(lookupId) {
      return db.run(q.revokeKey, Date.now(), lookupId) === 1;
    },
    async expireApiKey(lookupId, at) {
      return db.run(q.expireKey, at.getTime(), lookupId, at.getTime()) === 1;
    },
    async revokeToken(jti, expiresAt) {
      db.run(q.revokeToken, jti, expiresAt.getTime(), Date.now());
    },
    async isTokenRevoked(jti) {
      return db.get(q.tokenRevoked, jti) !== undefined;
    },
    async pruneRevokedTokens(now) {
      return db.run(q.pruneTokens, now.getTime());
    },

    transfer: {
      companies: {
        read: async (afterId, limit) =>
          db.all<{ id: string; name: string; created_at: number }>(q.companiesAfter, afterId ?? "", limit).map((row) => ({
            id: row.id,
            name: row.name,
            createdAt: new Date(row.created_at),
          })),
        write: async (items) => db.immediate(() => items.reduce((fresh, company) => fresh + db.run(q.copyCompany, company.id, company.name, company.createdAt.getTime()), 0)),
      },
      apiKeys: {
        read: async (afterId, limit) => db.all<ApiKeyRow>(q.keysAfter, afterId ?? "", limit).map(toKey),
        write: async (items) => db.immediate(() => items.reduce((fresh, key) => fresh + insertKey(key), 0)),
      },
      revokedTokens: {
        read: async (afterId, limit) =>
          db.all<{ jti: string; expires_at: number; revoked_at: number }>(q.tokensAfter, afterId ?? "", limit).map((row) => ({
            jti: row.jti,
            expiresAt: new Date(row.expires_at),
            revokedAt: new Date(row.revoked_at),
          })),
        write: async (items) =>
          db.immediate(() => items.reduce((fresh, token) => fresh + db.run(q.copyToken, token.jti, token.expiresAt.getTime(), token.revokedAt.getTime()), 0)),
      },
    },
  };
}

function toKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    lookupId: row.lookup_id,
    companyId: row.company_id,
    name: row.name,
    hash: row.hash,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    rateLimit: row.rate_limit === null ? null : (JSON.parse(row.rate_limit) as RateLimit),
  };
}
