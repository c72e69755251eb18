import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Operators' secrets (the /metrics token, the dashboard's admin token) are configured by their
 * sha256 only. A presented token is hashed and compared in constant time: equal-length digests,
 * so neither the length nor the first differing byte leaks through timing.
 */
export function tokenMatchesSha256(token: string, expectedSha256Hex: string): boolean {
  const presented = createHash("sha256").update(token).digest();
  const expected = Buffer.from(expectedSha256Hex, "hex");
  return expected.length === presented.length && timingSafeEqual(presented, expected);
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerTokenOf(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return match?.[1] ?? null;
}
