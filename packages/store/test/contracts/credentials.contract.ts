import { type CredentialRepository, newObjectId, type Store } from "@ingest/shared";
import { describe, expect, it } from "vitest";

/** The credential port's contract (companies, API keys, token revocations). */
export function credentialContract(store: () => Store): void {
  const credentials = (): CredentialRepository => store().repositories.credentials;

  describe("credentials", () => {
    it("creates companies once", async () => {
      const id = `co-${newObjectId()}`;
      expect(await credentials().companyExists(id)).toBe(false);
      await credentials().createCompany(id, "Acme");
      expect(await credentials().companyExists(id)).toBe(true);
      await expect(credentials().createCompany(id, "Again")).rejects.toThrow();
    });

    it("stores API keys by lookup id, lists them per company, revokes once", async () => {
      const companyId = `co-${newObjectId()}`;
      const lookupId = newObjectId();
      await credentials().insertApiKey({ lookupId, companyId, name: "ci", hash: "h".repeat(64), scopes: ["products:read", "products:write"] });
      await credentials().insertApiKey({ lookupId: newObjectId(), companyId: "other", name: "x", hash: "g".repeat(64), scopes: ["products:read"] });
      const limited = newObjectId();
      await credentials().insertApiKey({ lookupId: limited, companyId, name: "limited", hash: "l".repeat(64), scopes: ["products:read"], rateLimit: { max: 600, windowMs: 60_000 } });
      expect((await credentials().findApiKey(limited))?.rateLimit).toEqual({ max: 600, windowMs: 60_000 });
      const found = await credentials().findApiKey(lookupId);
      expect(found).toMatchObject({ lookupId, companyId, name: "ci", hash: "h".repeat(64), scopes: ["products:read", "products:write"], revokedAt: null, rateLimit: null });
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect((await credentials().listApiKeys(companyId)).map((key) => key.lookupId)).toEqual([lookupId, limited]);
      expect((await credentials().listApiKeys()).map((key) => key.lookupId)).toContain(lookupId);
      expect(await credentials().revokeApiKey(lookupId)).toBe(true);
      expect(await credentials().revokeApiKey(lookupId)).toBe(false);
      expect((await credentials().findApiKey(lookupId))?.revokedAt).toBeInstanceOf(Date);
      expect(await credentials().findApiKey(newObjectId())).toBeNull();
    });

    it("lists companies oldest first", async () => {
      const first = `co-${newObjectId()}`;
      await credentials().createCompany(first, "First");
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = `co-${newObjectId()}`;
      await credentials().createCompany(second, "Second");
      const listed = await credentials().listCompanies();
      expect(listed.findIndex((company) => company.id === first)).toBeLessThan(listed.findIndex((company) => company.id === second));
      expect(listed.find((company) => company.id === second)).toMatchObject({ name: "Second", createdAt: expect.any(Date) });
    });

    it("ends a key at a given time (a rotation's grace period), never later than an earlier end", async () => {
      const lookupId = newObjectId();
      await credentials().insertApiKey({ lookupId, companyId: "co-rotate", name: "old", hash: "r".repeat(64), scopes: ["products:read"] });
      expect((await credentials().findApiKey(lookupId))?.expiresAt).toBeNull();
      const soon = new Date(Date.now() + 60_000);
      expect(await credentials().expireApiKey(lookupId, soon)).toBe(true);
      expect((await credentials().findApiKey(lookupId))?.expiresAt?.getTime()).toBe(soon.getTime());
      expect(await credentials().expireApiKey(lookupId, new Date(Date.now() + 3_600_000))).toBe(false); // never extended
      const sooner = new Date(Date.now() + 1_000);
      expect(await credentials().expireApiKey(lookupId, sooner)).toBe(true);
      await credentials().revokeApiKey(lookupId);
      expect(await credentials().expireApiKey(lookupId, new Date())).toBe(false); // revoked already
      expect(await credentials().expireApiKey(newObjectId(), new Date())).toBe(false);
    });

    it("remembers revoked tokens until they expire anyway", async () => {
      const expired = `jti-${newObjectId()}`;
      const live = `jti-${newObjectId()}`;
      await credentials().revokeToken(expired, new Date(Date.now() - 1_000));
      await credentials().revokeToken(live, new Date(Date.now() + 3_600_000));
      await credentials().revokeToken(live, new Date(Date.now() + 7_200_000)); // twice is fine
      expect(await credentials().isTokenRevoked(expired)).toBe(true);
      expect(await credentials().isTokenRevoked(live)).toBe(true);
      expect(await credentials().pruneRevokedTokens(new Date())).toBeGreaterThanOrEqual(1);
      expect(await credentials().isTokenRevoked(expired)).toBe(false);
      expect(await credentials().isTokenRevoked(live)).toBe(true);
      expect(await credentials().isTokenRevoked("never")).toBe(false);
    });
  });
}
