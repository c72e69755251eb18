import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { stripJpegMetadata } from "./jpeg-metadata.ts";

const SECRET = "SERIAL-0042";

async function jpegWithEverything(progressive = false): Promise<Buffer> {
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: "gray", noise: { type: "gaussian", mean: 120, sigma: 40 } } })
    .jpeg({ quality: 80, progressive })
    .withExif({ IFD0: { Copyright: SECRET }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "1/1 2/1 3/1" } })
    .toBuffer();
  const comment = segment(0xfe, Buffer.from(`comment ${SECRET}`));
  return Buffer.concat([base.subarray(0, 2), comment, base.subarray(2), Buffer.from(`<html>${SECRET}</html>`)]);
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

describe("stripJpegMetadata", () => {
  it.each([false, true])("drops EXIF, comments and trailing bytes, keeping the pixels (progressive: %s)", async (progressive) => {
    const input = await jpegWithEverything(progressive);
    const output = stripJpegMetadata(input)!;
    expect(output.includes(SECRET)).toBe(false);
    expect(output.includes("Exif")).toBe(false);
    expect(output.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const [before, after] = await Promise.all([sharp(input).raw().toBuffer(), sharp(output).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    expect((await sharp(output).metadata()).exif).toBeUndefined();
  });

  it("is a fixed point: stripping a stripped file changes nothing", async () => {
    const once = stripJpegMetadata(await jpegWithEverything())!;
    expect(stripJpegMetadata(once)!.equals(once)).toBe(true);
    // Nothing to drop: the file itself comes back, not a copy of it.
    expect(stripJpegMetadata(once)).toBe(once);
  });

  it("keeps the ICC profile and Adobe segment, drops a JFIF thumbnail", async () => {
    const base = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } }).jpeg().toBuffer();
    const jfifWithThumb = segment(0xe0, Buffer.concat([Buffer.from("JFIF\0", "latin1"), Buffer.from([1, 1, 0, 0, 1, 0, 1, 1, 1]), Buffer.alloc(3)]));
    const icc = segment(0xe2, Buffer.from("ICC_PROFILE\0\x01\x01fake", "latin1"));
    const adobe = segment(0xee, Buffer.from("Adobe\0\x64\0\0\0\0\x01", "latin1"));
    const input = Buffer.concat([base.subarray(0, 2), jfifWithThumb, icc, adobe, base.subarray(2)]);
    const output = stripJpegMetadata(input)!;
    expect(output.includes(icc)).toBe(true);
    expect(output.includes(adobe)).toBe(true);
    expect(output.includes(jfifWithThumb)).toBe(false);
  });

  it("gives null for what it cannot follow", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } }).jpeg().toBuffer();
    expect(stripJpegMetadata(Buffer.from("not a jpeg"))).toBeNull();
    expect(stripJpegMetadata(jpeg.subarray(0, 40))).toBeNull();
  });
});
