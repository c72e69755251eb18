import { describe, expect, it } from "vitest";
import { newImageId } from "./image-id.ts";

describe("newImageId", () => {
  it("is 24 hex in ObjectId layout: creation seconds first, then randomness", () => {
    const at = new Date("2026-01-02T03:04:05Z");
    const id = newImageId(at);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.parseInt(id.slice(0, 8), 16)).toBe(at.getTime() / 1000);
    expect(new Set(Array.from({ length: 100 }, () => newImageId(at))).size).toBe(100);
  });
});
