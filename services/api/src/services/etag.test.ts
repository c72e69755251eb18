import { describe, expect, it } from "vitest";
import { etagOf, ifMatchAllows } from "./etag.ts";

describe("If-Match", () => {
  it("lets a change through when absent, *, or listing the current strong tag", () => {
    expect(etagOf(7)).toBe('"7"');
    expect(ifMatchAllows(undefined, 7)).toBe(true);
    expect(ifMatchAllows("*", 7)).toBe(true);
    expect(ifMatchAllows('"7"', 7)).toBe(true);
    expect(ifMatchAllows('"5", "7"', 7)).toBe(true);
  });

  it("refuses stale, weak and unquoted tags", () => {
    expect(ifMatchAllows('"6"', 7)).toBe(false);
    expect(ifMatchAllows('W/"7"', 7)).toBe(false);
    expect(ifMatchAllows("7", 7)).toBe(false);
    expect(ifMatchAllows("", 7)).toBe(false);
  });
});
