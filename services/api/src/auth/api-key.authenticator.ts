import { type ApiKeyRecord, apiKeyLookupId, apiKeyMatches, type CredentialRepository } from "@ingest/shared";
import { invalidCredentials } from "./auth-errors.ts";
import type { Principal } from "./principal.ts";
import { createTtlCache } from "./ttl-cache.ts";

/**
 * Verifies `tp_` keys: the lookup id finds the record, a constant-time comparison of hashes
 * decides. Records (and absences) are cached for `cacheTtlMs` at most, which bounds how long a
 * revoked key keeps working on this replica.
 */
export function createApiKeyAuthenticator(credentials: CredentialRepository, cacheTtlMs: number) {
  const cache = createTtlCache<ApiKeyRecord | null>(cacheTtlMs);

  return async function authenticateApiKey(key: string): Promise<Principal> {
    const lookupId = apiKeyLookupId(key);
    if (lookupId === null) throw invalidCredentials();
    const record = await cache.get(lookupId, () => credentials.findApiKey(lookupId));
    // Compare even when the record is unusable, so timing does not tell which check failed.
    const matches = apiKeyMatches(key, record?.hash ?? "0".repeat(64));
    // A rotated key works until its grace period ends, checked on every request, cached or not.
    const expired = record?.expiresAt != null && record.expiresAt.getTime() <= Date.now();
    if (!record || record.revokedAt !== null || expired || !matches) throw invalidCredentials();
    return { companyId: record.companyId, scopes: record.scopes, via: "api_key", credentialId: lookupId, rateLimit: record.rateLimit ?? null, admin: false };
  };
}
