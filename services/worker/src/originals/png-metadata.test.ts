import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { stripPngMetadata } from "./png-metadata.ts";

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

async function pngWithEverything(): Promise<Buffer> {
  const png = await sharp({ create: { width: 16, height: 8, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .withExif({ IFD0: { Copyright: "SERIAL-0042" } })
    .toBuffer();
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  const extra = Buffer.concat([chunk("tEXt", Buffer.from("Comment\0SERIAL-0042", "latin1")), chunk("tIME", Buffer.alloc(7)), chunk("acTL", Buffer.alloc(8))]);
  return Buffer.concat([png.subarray(0, afterIhdr), extra, png.subarray(afterIhdr), Buffer.from("<script>SERIAL-0042</script>")]);
}

describe("stripPngMetadata", () => {
  it("keeps only the chunks that make the pixels, which stay identical", async () => {
    const input = await pngWithEverything();
    const output = stripPngMetadata(input)!;
    for (const word of ["SERIAL-0042", "eXIf", "tEXt", "tIME", "acTL", "<script"]) expect(output.includes(word)).toBe(false);
    const [before, after] = await Promise.all([sharp(input).raw().toBuffer(), sharp(output).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    expect(stripPngMetadata(output)!.equals(output)).toBe(true);
  });

  it("gives a clean file back as itself, not a copy, with its pHYs (the pixels' aspect ratio) kept", async () => {
    const plain = await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } }).png().toBuffer();
    const density = Buffer.from([0, 0, 0x2e, 0x23, 0, 0, 0x2e, 0x23, 1]); // 11,811 pixels a metre (300 dpi)
    const png = Buffer.concat([plain.subarray(0, 33), chunk("pHYs", density), plain.subarray(33)]);
    expect(stripPngMetadata(png)).toBe(png);
    const withText = Buffer.concat([png.subarray(0, 33), chunk("tEXt", Buffer.from("Author\0Someone", "latin1")), png.subarray(33)]);
    const stripped = stripPngMetadata(withText)!;
    expect(stripped).not.toBe(withText);
    expect(stripped.equals(png)).toBe(true);
  });

  it("gives null without IEND or signature", async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } }).png().toBuffer();
    expect(stripPngMetadata(png.subarray(0, png.length - 12))).toBeNull();
    expect(stripPngMetadata(Buffer.from("GIF89a"))).toBeNull();
  });
});
