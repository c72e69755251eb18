import type { RateLimit, Scope } from "@ingest/shared";

/** Who is calling: one company, some scopes, and which credential proved it. */
export interface Principal {
  readonly companyId: string;
  readonly scopes: readonly Scope[];
  readonly via: "api_key" | "oauth";
  /** The API key's lookup id or the token's `jti`: safe to log, useless to an attacker. */
  readonly credentialId: string;
  /** The credential's own rate limit (an API key's `--rate-limit`); null: the configured defaults. */
  readonly rateLimit: RateLimit | null;
  /** An OAuth token with scope `admin` (opens the queue dashboard when ADMIN_OAUTH_SCOPE is on); never an API key. */
  readonly admin: boolean;
}
