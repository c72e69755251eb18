import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

export const ISSUER = "https://auth.test.example";
export const AUDIENCE = "image-api";

export interface TokenIssuer {
  /** Env for the app: OAUTH_JWKS_FILE, OAUTH_ISSUER, OAUTH_AUDIENCE. */
  readonly env: Record<string, string>;
  sign(claims: JWTPayload & { company_id?: string; scope?: string }, options?: TokenOptions): Promise<string>;
  /** Signed with a key the JWKS does not hold, under the JWKS key's own kid. */
  forge(claims: JWTPayload & { company_id?: string; scope?: string }): Promise<string>;
}

interface TokenOptions {
  readonly expiresIn?: string | number;
  readonly audience?: string;
  readonly issuer?: string;
  readonly jti?: string | null;
}

/** An OAuth authorization server in miniature: an ES256 key, its JWKS file, and a minting function. */
export async function createTokenIssuer(): Promise<TokenIssuer> {
  const kid = "test-key";
  const real = await generateKeyPair("ES256");
  const rogue = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(real.publicKey)), kid, alg: "ES256", use: "sig" };
  const file = join(tmpdir(), `jwks-${randomUUID()}.json`);
  await writeFile(file, JSON.stringify({ keys: [jwk] }));

  const mint = (key: CryptoKey | Uint8Array, claims: JWTPayload, options: TokenOptions = {}) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid })
      .setIssuedAt()
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setExpirationTime(options.expiresIn ?? "10m");
    if (options.jti !== null) jwt = jwt.setJti(options.jti ?? randomUUID());
    return jwt.sign(key);
  };

  return {
    env: { OAUTH_JWKS_FILE: file, OAUTH_ISSUER: ISSUER, OAUTH_AUDIENCE: AUDIENCE },
    sign: (claims, options) => mint(real.privateKey, claims, options),
    forge: (claims) => mint(rogue.privateKey, claims),
  };
}
