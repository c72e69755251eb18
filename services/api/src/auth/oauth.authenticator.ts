import { readFile } from "node:fs/promises";
import { AppError, type Config, type CredentialRepository, SCOPES, type Scope } from "@ingest/shared";
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { invalidCredentials } from "./auth-errors.ts";
import type { Principal } from "./principal.ts";
import { createTtlCache } from "./ttl-cache.ts";

type OAuthSettings = Config["api"]["oauth"];

/** Asymmetric algorithms only: a shared-secret token could be minted by anyone holding the JWKS. */
/** Company ids end up in storage keys and URLs; a claim outside this shape is not one of ours. */
const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Loads the verification keys once: a JWKS file is read at start, a JWKS URL is fetched and cached by jose. */
export async function loadJwks(settings: OAuthSettings): Promise<JWTVerifyGetKey | null> {
  if (settings.jwksFile) return createLocalJWKSet(JSON.parse(await readFile(settings.jwksFile, "utf8")));
  if (settings.jwksUrl) return createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 2_000 });
  return null;
}

/**
 * Verifies OAuth 2.0 access tokens (JWT): signature against the JWKS, issuer, audience, expiry,
 * a `jti` (without one a token could not be revoked, so it is refused), the company claim and the
 * space-delimited `scope`. Revocations are cached like API keys, for at most `cacheTtlMs`.
 */
export function createOAuthAuthenticator(options: {
  readonly settings: OAuthSettings;
  readonly jwks: JWTVerifyGetKey;
  readonly credentials: CredentialRepository;
  readonly cacheTtlMs: number;
}) {
  const { settings, jwks, credentials } = options;
  const revoked = createTtlCache<boolean>(options.cacheTtlMs);

  return async function authenticateToken(token: string): Promise<Principal> {
    const payload = await verify(token);
    const companyId = payload[settings.companyClaim];
    const jti = payload.jti;
    if (typeof companyId !== "string" || !COMPANY_ID.test(companyId) || typeof jti !== "string" || jti === "") throw invalidCredentials();
    if (await revoked.get(jti, () => credentials.isTokenRevoked(jti))) throw invalidCredentials();
    return { companyId, scopes: scopesOf(payload), via: "oauth", credentialId: jti, rateLimit: null, admin: hasAdminScope(payload) };
  };

  async function verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "jti"],
        clockTolerance: 5,
      });
      return payload;
    } catch (error) {
      // A bad token is the caller's problem; keys we cannot fetch are ours.
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) throw invalidCredentials();
      throw new AppError("dependency_unavailable", "Token verification keys are unavailable; retry shortly.", {
        cause: error,
        headers: { "retry-after": "5" },
      });
    }
  }
}

function hasAdminScope(payload: JWTPayload): boolean {
  return typeof payload.scope === "string" && payload.scope.split(" ").includes("admin");
}

function scopesOf(payload: JWTPayload): Scope[] {
  const scope = payload.scope;
  if (typeof scope !== "string") return [];
  return scope.split(" ").filter((value): value is Scope => (SCOPES as readonly string[]).includes(value));
}
