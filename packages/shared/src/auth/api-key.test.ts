import { describe, expect, it } from "vitest";
import { apiKeyLookupId, apiKeyMatches, generateApiKey } from "./api-key.ts";

describe("API keys", () => {
  it("are tp_ plus at least 32 random characters, verifiable against their stored hash only", () => {
    const { key, lookupId, hash } = generateApiKey();
    expect(key).toMatch(/^tp_[A-Za-z0-9_-]{32,}$/);
    expect(hash).not.toContain(key.slice(3));
    expect(apiKeyLookupId(key)).toBe(lookupId);
    expect(apiKeyMatches(key, hash)).toBe(true);
    expect(apiKeyMatches(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`, hash)).toBe(false);
  });

  it("never collide in practice and reject malformed keys", () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
    expect(apiKeyLookupId("tp_short")).toBeNull();
    expect(apiKeyLookupId("Bearer tp_x")).toBeNull();
    expect(apiKeyLookupId(`xx_${"a".repeat(50)}`)).toBeNull();
  });
});
