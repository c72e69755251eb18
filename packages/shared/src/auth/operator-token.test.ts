import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerTokenOf, tokenMatchesSha256 } from "./operator-token.ts";

describe("operator tokens", () => {
  const hash = createHash("sha256").update("right-token-right-token").digest("hex");

  it("accepts only the token whose sha256 is configured", () => {
    expect(tokenMatchesSha256("right-token-right-token", hash)).toBe(true);
    expect(tokenMatchesSha256("right-token-right-tokeN", hash)).toBe(false);
    expect(tokenMatchesSha256("", hash)).toBe(false);
    expect(tokenMatchesSha256("right-token-right-token", "abcd")).toBe(false);
  });

  it("reads a bearer token and nothing else", () => {
    expect(bearerTokenOf("Bearer abc")).toBe("abc");
    expect(bearerTokenOf("bearer abc")).toBe("abc");
    expect(bearerTokenOf("Basic abc")).toBeNull();
    expect(bearerTokenOf("Bearer a b")).toBeNull();
    expect(bearerTokenOf(undefined)).toBeNull();
  });
});
