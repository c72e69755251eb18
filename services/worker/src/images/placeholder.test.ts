import { thumbHashToRGBA } from "thumbhash";
import { describe, expect, it } from "vitest";
import { thumbHashBase64, toHexColor } from "./placeholder.ts";

describe("toHexColor", () => {
  it("formats and clamps channels", () => {
    expect(toHexColor({ r: 255, g: 0, b: 16 })).toBe("#ff0010");
    expect(toHexColor({ r: 300, g: -4, b: 7.6 })).toBe("#ff0008");
  });
});

describe("thumbHashBase64", () => {
  it("encodes a tiny image that decodes back to its colour", () => {
    const width = 8;
    const height = 4;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < data.length; i += 4) data.set([200, 30, 30, 255], i);
    const hash = thumbHashBase64({ data, width, height });
    expect(Buffer.from(hash, "base64").length).toBeLessThan(40);
    const back = thumbHashToRGBA(Buffer.from(hash, "base64"));
    expect(back.rgba[0]).toBeGreaterThan(150);
    expect(back.rgba[1]).toBeLessThan(80);
  });
});
