import { type IdempotencyRepository, newObjectId, type Store } from "@ingest/shared";
import { describe, expect, it } from "vitest";

/** The idempotency port's contract: one winner per attempt, replays, releases, expiry. */
export function idempotencyContract(store: () => Store): void {
  const keys = (): IdempotencyRepository => store().repositories.idempotency;
  const claimOf = (companyId: string, key: string, attempt: number, expiresAt = new Date(Date.now() + 60_000)) => ({
    companyId,
    key,
    attempt,
    fingerprint: `p1:${"a".repeat(64)}`,
    productId: "p1",
    imageId: newObjectId(),
    createdAt: new Date(),
    expiresAt,
  });

  describe("idempotency keys", () => {
    it("lets exactly one of many concurrent claims of an attempt win, and finds it", async () => {
      const companyId = `co-${newObjectId()}`;
      const claims = Array.from({ length: 10 }, () => claimOf(companyId, "order-1", 1));
      const won = await Promise.all(claims.map((claim) => keys().claim(claim)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = claims[won.indexOf(true)];
      expect(await keys().find(companyId, "order-1")).toEqual({ ...winner, response: null });
    });

    it("keeps keys apart per company, and answers the latest attempt", async () => {
      const a = `co-${newObjectId()}`;
      const b = `co-${newObjectId()}`;
      expect(await keys().claim(claimOf(a, "k", 1))).toBe(true);
      expect(await keys().claim(claimOf(b, "k", 1))).toBe(true);
      const second = claimOf(a, "k", 2);
      expect(await keys().claim(second)).toBe(true);
      expect((await keys().find(a, "k"))?.imageId).toBe(second.imageId);
      expect((await keys().find(b, "k"))?.attempt).toBe(1);
      expect(await keys().find(a, "other")).toBeNull();
    });

    it("stores the response of a completed attempt and forgets a released one", async () => {
      const companyId = `co-${newObjectId()}`;
      await keys().claim(claimOf(companyId, "k", 1));
      const response = { status: 201, body: '{"imageUrl":"https://x.test/a.png"}', etag: '"2"' };
      await keys().complete(companyId, "k", 1, response);
      expect((await keys().find(companyId, "k"))?.response).toEqual(response);
      await keys().claim(claimOf(companyId, "k", 2));
      await keys().release(companyId, "k", 2);
      expect((await keys().find(companyId, "k"))?.attempt).toBe(1);
      await keys().release(companyId, "k", 1);
      expect(await keys().find(companyId, "k")).toBeNull();
    });

    it("prunes expired attempts, a bounded batch at a time", async () => {
      const companyId = `co-${newObjectId()}`;
      const past = new Date(Date.now() - 1_000);
      for (const key of ["old-1", "old-2", "old-3"]) await keys().claim(claimOf(companyId, key, 1, past));
      await keys().claim(claimOf(companyId, "live", 1));
      let pruned = 0;
      for (let pass = 0; pass < 10; pass++) {
        const batch = await keys().pruneExpired(new Date(), 2);
        expect(batch).toBeLessThanOrEqual(2);
        pruned += batch;
        if (batch === 0) break;
      }
      expect(pruned).toBeGreaterThanOrEqual(3);
      expect(await keys().find(companyId, "old-1")).toBeNull();
      expect(await keys().find(companyId, "live")).not.toBeNull();
    });
  });
}
