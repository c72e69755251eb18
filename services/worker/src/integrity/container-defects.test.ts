import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { findContainerDefect } from "./container-defects.ts";

const RED = { r: 200, g: 10, b: 10 };
const png = () => sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).png().toBuffer();
const jpeg = (progressive = false) => sharp({ create: { width: 40, height: 30, channels: 3, background: RED } }).jpeg({ progressive }).toBuffer();
const webp = (lossless = false) => sharp({ create: { width: 40, height: 30, channels: 3, background: RED } }).webp({ lossless }).toBuffer();
const webpWithExif = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: RED } }).webp().withExif({ IFD0: { Copyright: "x".repeat(99) } }).toBuffer();

/** Flips one bit of the CRC of the chunk of this type. */
function flipCrc(bytes: Buffer, type: string): Buffer {
  const out = Buffer.from(bytes);
  for (let offset = 8; offset < out.length; offset += 12 + out.readUInt32BE(offset)) {
    const length = out.readUInt32BE(offset);
    if (out.toString("latin1", offset + 4, offset + 8) === type) {
      out[offset + 8 + length] = out[offset + 8 + length]! ^ 1;
      return out;
    }
  }
  throw new Error(`no ${type}`);
}

describe("findContainerDefect", () => {
  it("passes what encoders write, with or without trailing bytes (stripping drops them)", async () => {
    expect(findContainerDefect(await png(), "png")).toBeNull();
    expect(findContainerDefect(Buffer.concat([await png(), Buffer.from("PK\u0003\u0004")]), "png")).toBeNull();
    for (const progressive of [false, true]) expect(findContainerDefect(await jpeg(progressive), "jpeg")).toBeNull();
    expect(findContainerDefect(Buffer.concat([await jpeg(), Buffer.from("<html>")]), "jpeg")).toBeNull();
    for (const lossless of [false, true]) expect(findContainerDefect(await webp(lossless), "webp")).toBeNull();
    expect(findContainerDefect(await webpWithExif(), "webp")).toBeNull();
  });

  it("PNG: a bad CRC in any chunk, a missing IEND, a cut chunk, a first chunk that is not IHDR", async () => {
    const good = await png();
    for (const type of ["IHDR", "IDAT", "IEND"]) expect(findContainerDefect(flipCrc(good, type), "png")).toContain(`bad CRC in chunk ${type}`);
    expect(findContainerDefect(good.subarray(0, good.length - 12), "png")).toBe("the file ends before its IEND chunk");
    expect(findContainerDefect(good.subarray(0, good.length - 20), "png")).toMatch(/cut off|ends before/);
    const noHeader = Buffer.concat([good.subarray(0, 8), good.subarray(33)]);
    expect(findContainerDefect(noHeader, "png")).toBe("the first chunk is not a 13-byte IHDR");
    expect(findContainerDefect(Buffer.from("not a png at all"), "png")).toBe("no PNG signature");
  });

  it("JPEG: no EOI (cut, or padded with zeros), a segment running past the end", async () => {
    const good = await jpeg();
    expect(findContainerDefect(good.subarray(0, good.length - 2), "jpeg")).toBe("the file ends before its EOI marker");
    expect(findContainerDefect(Buffer.concat([good.subarray(0, good.length - 2), Buffer.alloc(64)]), "jpeg")).toBe("the file ends before its EOI marker");
    const overflowing = Buffer.concat([good.subarray(0, 2), Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.from("Exif\0\0")]);
    expect(findContainerDefect(overflowing, "jpeg")).toContain("runs past the end");
    expect(findContainerDefect(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), "jpeg")).toBe("the image ends before its frame and scan");
  });

  it("WebP: a RIFF size past the file or odd, a chunk past the RIFF end", async () => {
    const good = await webpWithExif();
    const tooBig = Buffer.from(good);
    tooBig.writeUInt32LE(good.readUInt32LE(4) + 100, 4);
    expect(findContainerDefect(tooBig, "webp")).toContain("the RIFF size says");
    const odd = Buffer.from(good);
    odd.writeUInt32LE(good.readUInt32LE(4) - 1, 4);
    expect(findContainerDefect(odd, "webp")).toContain("odd RIFF size");
    const cutsChunk = Buffer.from(good);
    cutsChunk.writeUInt32LE(good.readUInt32LE(4) - 50, 4);
    expect(findContainerDefect(cutsChunk, "webp")).toContain("runs past the RIFF end");
    expect(findContainerDefect(good.subarray(0, good.length - 20), "webp")).toContain("the RIFF size says");
  });
});
