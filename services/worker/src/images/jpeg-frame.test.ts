import { describe, expect, it } from "vitest";
import { readJpegFrame, unsupportedJpegVariant } from "./jpeg-frame.ts";

/** SOI, an APP0 segment, then a frame header with the given marker, precision and components. */
function jpegHead(marker: number, precision: number, components: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46];
  const sof = [0xff, marker, 0x00, 0x0b, precision, 0x00, 0x10, 0x00, 0x10, components, 0x01, 0x11, 0x00];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof]);
}

describe("readJpegFrame", () => {
  it("finds the frame header past other segments", () => {
    expect(readJpegFrame(jpegHead(0xc0, 8, 3))).toEqual({ marker: 0xc0, precision: 8, components: 3 });
    expect(readJpegFrame(jpegHead(0xc2, 12, 1))).toEqual({ marker: 0xc2, precision: 12, components: 1 });
  });

  it("gives null for what is not a JPEG or ends early", () => {
    expect(readJpegFrame(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(readJpegFrame(jpegHead(0xc0, 8, 3).subarray(0, 12))).toBeNull();
    expect(readJpegFrame(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull();
  });
});

describe("unsupportedJpegVariant", () => {
  it("accepts 8-bit baseline and progressive, greyscale, colour and CMYK", () => {
    for (const frame of [jpegHead(0xc0, 8, 3), jpegHead(0xc2, 8, 1), jpegHead(0xc1, 8, 4)]) {
      expect(unsupportedJpegVariant(readJpegFrame(frame)!)).toBeNull();
    }
  });

  it("names 12-bit, lossless and hierarchical JPEGs", () => {
    expect(unsupportedJpegVariant(readJpegFrame(jpegHead(0xc0, 12, 3))!)).toBe("12-bit JPEG");
    expect(unsupportedJpegVariant(readJpegFrame(jpegHead(0xc3, 8, 3))!)).toBe("lossless JPEG");
    expect(unsupportedJpegVariant(readJpegFrame(jpegHead(0xc5, 8, 3))!)).toBe("hierarchical JPEG");
  });
});
