import { bearerTokenOf, tokenMatchesSha256 } from "@ingest/shared";
import type { Authenticate } from "../auth/authenticator.ts";

export interface AdminAccessOptions {
  /** sha256 of the admin secret (ADMIN_TOKEN / ADMIN_TOKEN_SHA256); undefined: no secret. */
  readonly tokenSha256: string | undefined;
  /** Set when an OAuth token with scope `admin` is enough (ADMIN_OAUTH_SCOPE). */
  readonly authenticate: Authenticate | null;
}

export type AdminCredential = "bearer" | "basic" | null;

/**
 * Decides whether an Authorization header carries the operators' credential: the admin secret as
 * a Bearer token or as the password of Basic auth (so a browser can be prompted for it), or an
 * OAuth token with scope `admin`. A company's API key never opens the dashboard. Returns how the
 * credential came: Basic is ambient (the browser resends it), so its unsafe requests need a
 * same-origin check.
 */
export function createAdminAccess(options: AdminAccessOptions): (authorization: string | undefined) => Promise<AdminCredential> {
  const { tokenSha256, authenticate } = options;
  return async (authorization) => {
    const bearer = bearerTokenOf(authorization);
    if (bearer !== null) {
      if (tokenSha256 !== undefined && tokenMatchesSha256(bearer, tokenSha256)) return "bearer";
      if (authenticate && !bearer.startsWith("tp_")) {
        const principal = await authenticate(authorization).catch(() => null);
        if (principal?.admin) return "bearer";
      }
      return null;
    }
    const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization ?? "")?.[1];
    if (basic === undefined || tokenSha256 === undefined) return null;
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const password = decoded.slice(decoded.indexOf(":") + 1);
    return tokenMatchesSha256(password, tokenSha256) ? "basic" : null;
  };
}
