import { describe, expect, it } from "vitest";
import { isObjectId, newObjectId } from "./object-id.ts";

describe("newObjectId", () => {
  it("is 24 hex in ObjectId layout: creation seconds first, then a per-process part and a counter", () => {
    const at = new Date("2026-01-02T03:04:05Z");
    const id = newObjectId(at);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.parseInt(id.slice(0, 8), 16)).toBe(at.getTime() / 1000);
    const ids = Array.from({ length: 100 }, () => newObjectId(at));
    expect(new Set(ids).size).toBe(100);
  });

  it("sorts by creation within a process, even inside one second", () => {
    const at = new Date("2026-01-02T03:04:05Z");
    const ids = Array.from({ length: 50 }, () => newObjectId(at));
    // The 3-byte counter may wrap once in a run; everywhere else each id sorts after the last.
    const outOfOrder = ids.slice(1).filter((id, i) => id <= ids[i]!);
    expect(outOfOrder.length).toBeLessThanOrEqual(1);
  });

  it("is recognised by isObjectId, unlike ids of another shape", () => {
    expect(isObjectId(newObjectId())).toBe(true);
    for (const other of ["", "abc", "0".repeat(23), "0".repeat(25), "Z".repeat(24), "0123456789ABCDEF01234567"]) expect(isObjectId(other)).toBe(false);
  });
});
