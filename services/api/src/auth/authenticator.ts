import type { Config, CredentialRepository } from "@ingest/shared";
import type { JWTVerifyGetKey } from "jose";
import { createApiKeyAuthenticator } from "./api-key.authenticator.ts";
import { invalidCredentials, malformedCredentials, missingCredentials } from "./auth-errors.ts";
import { createOAuthAuthenticator } from "./oauth.authenticator.ts";
import type { Principal } from "./principal.ts";

export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

const BEARER = /^Bearer +([^\s]+) *$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Turns an Authorization header into a principal, or throws a 401 AppError. */
export function createAuthenticator(options: {
  readonly config: Config["api"];
  readonly credentials: CredentialRepository;
  readonly jwks: JWTVerifyGetKey | null;
}): Authenticate {
  const { config, credentials, jwks } = options;
  const authenticateApiKey = createApiKeyAuthenticator(credentials, config.authCacheTtlMs);
  const authenticateToken = jwks
    ? createOAuthAuthenticator({ settings: config.oauth, jwks, credentials, cacheTtlMs: config.authCacheTtlMs })
    : null;

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === "") throw missingCredentials();
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw malformedCredentials();
    if (token.startsWith("tp_")) return authenticateApiKey(token);
    if (authenticateToken && JWT_SHAPE.test(token)) return authenticateToken(token);
    throw invalidCredentials();
  };
}
