import { describe, expect, it } from "vitest";
import { formatBar, formatCounts, formatEta, rateOf } from "./reprocess-progress.ts";

describe("reprocess progress", () => {
  it("rate and ETA come from this run's own work", () => {
    expect(rateOf({ done: 0, total: 10, elapsedMs: 5_000 })).toBeNull();
    expect(rateOf({ done: 10, total: 40, elapsedMs: 4_000 })).toBe(2.5);
    expect(formatCounts({ done: 10, total: 40, elapsedMs: 4_000 })).toBe("10/40 25% 2.5/s ETA 0:12");
    expect(formatCounts({ done: 0, total: 40, elapsedMs: 0 })).toBe("0/40 0% -/s ETA -");
  });

  it("formats ETAs past an hour and an empty run", () => {
    expect(formatEta(3_725)).toBe("1:02:05");
    expect(formatEta(59.2)).toBe("1:00");
    expect(formatCounts({ done: 0, total: 0, elapsedMs: 10 })).toBe("0/0 100% -/s ETA -");
  });

  it("draws a bar of fixed width", () => {
    expect(formatBar({ done: 6, total: 24, elapsedMs: 1_000 })).toBe(`[${"#".repeat(6)}${"-".repeat(18)}] 6/24 25% 6.0/s ETA 0:03`);
    expect(formatBar({ done: 24, total: 24, elapsedMs: 1_000 }).startsWith(`[${"#".repeat(24)}]`)).toBe(true);
  });
});
