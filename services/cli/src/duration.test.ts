import { describe, expect, it } from "vitest";
import { UsageError } from "./command.ts";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it("reads 0, seconds, minutes, hours and days", () => {
    expect(parseDuration("0", "--grace")).toBe(0);
    expect(parseDuration("90", "--grace")).toBe(90_000);
    expect(parseDuration("90s", "--grace")).toBe(90_000);
    expect(parseDuration("30m", "--grace")).toBe(1_800_000);
    expect(parseDuration("24h", "--grace")).toBe(86_400_000);
    expect(parseDuration("1.5d", "--grace")).toBe(129_600_000);
  });

  it("refuses anything else as a usage error naming the flag", () => {
    for (const text of ["", "forever", "-1h", "10w", "1h30m"]) {
      expect(() => parseDuration(text, "--grace")).toThrow(UsageError);
    }
    expect(() => parseDuration("x", "--grace")).toThrow(/--grace/);
  });
});
