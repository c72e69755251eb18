import { describe, expect, it } from "vitest";
import { formatRateLimit, parseRateLimit } from "./rate-limit.ts";

describe("parseRateLimit", () => {
  it.each([
    ["600/min", { max: 600, windowMs: 60_000 }],
    ["20/s", { max: 20, windowMs: 1_000 }],
    ["100/10s", { max: 100, windowMs: 10_000 }],
    ["5000/hour", { max: 5000, windowMs: 3_600_000 }],
    [" 7 / day ", { max: 7, windowMs: 86_400_000 }],
  ])("reads %s", (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  it.each(["", "600", "600/fortnight", "0/min", "-1/min", "a/min", "10/0s"])("refuses %j", (text) => {
    expect(() => parseRateLimit(text)).toThrow(/rate limit/);
  });

  it("formats what it parses back to the same budget", () => {
    for (const text of ["600/min", "20/s", "100/10s", "5000/h", "7/day"]) {
      expect(parseRateLimit(formatRateLimit(parseRateLimit(text)))).toEqual(parseRateLimit(text));
    }
    expect(formatRateLimit({ max: 600, windowMs: 60_000 })).toBe("600/min");
  });
});
