import type { RateLimit } from "../limits/rate-limit.ts";
import type { Scope } from "./scopes.ts";

/** The port of companies, API keys and token revocations (adapters live in @ingest/store). */

export interface CompanyRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface ApiKeyRecord {
  readonly lookupId: string;
  readonly companyId: string;
  readonly name: string;
  /** sha256 of the whole key (see api-key.ts); the key itself is never stored. */
  readonly hash: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  /** When a rotated key stops working (its grace period ends); null for a key with no end. */
  readonly expiresAt: Date | null;
  /** This key's own rate limit, replacing the configured ones; null: the defaults. */
  readonly rateLimit: RateLimit | null;
}

export interface RevokedTokenRecord {
  /** The token's `jti`. */
  readonly jti: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date;
}

export interface CredentialRepository {
  createCompany(id: string, name: string): Promise<void>;
  companyExists(id: string): Promise<boolean>;
  /** Every company, oldest first (an operator's list: companies are few). */
  listCompanies(): Promise<CompanyRecord[]>;
  insertApiKey(record: Omit<ApiKeyRecord, "createdAt" | "revokedAt" | "expiresAt" | "rateLimit"> & { readonly rateLimit?: RateLimit | null }): Promise<void>;
  findApiKey(lookupId: string): Promise<ApiKeyRecord | null>;
  listApiKeys(companyId?: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(lookupId: string): Promise<boolean>;
  /**
   * Makes an active key stop working at `at` (a rotation's grace period). Never extends an
   * earlier end; false when the key is missing, revoked, or already ends sooner.
   */
  expireApiKey(lookupId: string, at: Date): Promise<boolean>;
  revokeToken(jti: string, expiresAt: Date): Promise<void>;
  isTokenRevoked(jti: string): Promise<boolean>;
  /** Forgets revocations of tokens that have expired anyway. */
  pruneRevokedTokens(now: Date): Promise<number>;
}
