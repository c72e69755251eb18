import { InvalidArgumentError } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { durationUpTo, integerBetween } from "./option-parsers.ts";

describe("option parsers", () => {
  it("integerBetween takes whole numbers in range only", () => {
    const parse = integerBetween(1, 64);
    expect(parse("1")).toBe(1);
    expect(parse("64")).toBe(64);
    for (const text of ["0", "65", "1.5", "-1", "four", ""]) expect(() => parse(text)).toThrow(InvalidArgumentError);
  });

  it("durationUpTo reads durations into milliseconds, with a ceiling", () => {
    const parse = durationUpTo(30 * 86_400_000, "30d");
    expect(parse("0")).toBe(0);
    expect(parse("24h")).toBe(86_400_000);
    expect(parse("30d")).toBe(30 * 86_400_000);
    expect(() => parse("31d")).toThrow(/at most 30d/);
    expect(() => parse("soon")).toThrow(/a duration such as/);
  });
});
