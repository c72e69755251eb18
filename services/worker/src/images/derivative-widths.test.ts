import { describe, expect, it } from "vitest";
import { derivativeWidths } from "./derivative-widths.ts";

const CONFIGURED = [320, 640, 1280, 1920];

describe("derivativeWidths", () => {
  it("renders every configured width for a large image", () => {
    expect(derivativeWidths(4000, CONFIGURED)).toEqual([320, 640, 1280, 1920]);
    expect(derivativeWidths(1920, CONFIGURED)).toEqual([320, 640, 1280, 1920]);
  });

  it("never upscales, and adds the image's own width below the largest", () => {
    expect(derivativeWidths(1000, CONFIGURED)).toEqual([320, 640, 1000]);
    expect(derivativeWidths(640, CONFIGURED)).toEqual([320, 640]);
    expect(derivativeWidths(200, CONFIGURED)).toEqual([200]);
    expect(derivativeWidths(1, CONFIGURED)).toEqual([1]);
  });

  it("ignores the order and duplicates of the configuration", () => {
    expect(derivativeWidths(700, [640, 320, 640])).toEqual([320, 640]);
  });
});
