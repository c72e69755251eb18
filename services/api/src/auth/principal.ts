import type { Scope } from "@ingest/shared";

/** Who is calling: one company, some scopes, and which credential proved it. */
export interface Principal {
  readonly companyId: string;
  readonly scopes: readonly Scope[];
  readonly via: "api_key" | "oauth";
  /** The API key's lookup id or the token's `jti`: safe to log, useless to an attacker. */
  readonly credentialId: string;
}
