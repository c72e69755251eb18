import { randomBytes } from "node:crypto";
import { generateApiKey, type Repositories, type Scope, SCOPES } from "@ingest/shared";

export interface Tenant {
  readonly companyId: string;
  /** Both scopes. */
  readonly key: string;
  readonly readKey: string;
  readonly writeKey: string;
  readonly lookupIds: { readonly key: string; readonly readKey: string; readonly writeKey: string };
}

async function insertKey(repositories: Repositories, companyId: string, scopes: readonly Scope[]) {
  const { key, lookupId, hash } = generateApiKey();
  await repositories.credentials.insertApiKey({ lookupId, companyId, name: scopes.join("+"), hash, scopes });
  return { key, lookupId };
}

/** A company with a full key, a read-only key and a write-only key. */
export async function createTenant(repositories: Repositories): Promise<Tenant> {
  const companyId = `c${randomBytes(6).toString("hex")}`;
  await repositories.credentials.createCompany(companyId, `Company ${companyId}`);
  const full = await insertKey(repositories, companyId, SCOPES);
  const read = await insertKey(repositories, companyId, ["products:read"]);
  const write = await insertKey(repositories, companyId, ["products:write"]);
  return {
    companyId,
    key: full.key,
    readKey: read.key,
    writeKey: write.key,
    lookupIds: { key: full.lookupId, readKey: read.lookupId, writeKey: write.lookupId },
  };
}
