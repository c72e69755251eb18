import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isLosslessWebp, stripWebpMetadata } from "./webp-metadata.ts";

const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/">SERIAL-0042</x:xmpmeta>';

function image(alpha: boolean) {
  return sharp({ create: { width: 20, height: 10, channels: alpha ? 4 : 3, background: { r: 200, g: 10, b: 10, alpha: 0.5 } } });
}

describe("stripWebpMetadata", () => {
  it.each([
    ["lossy", false, false],
    ["lossless", true, false],
    ["lossy with alpha", false, true],
  ])("drops EXIF and XMP from a %s WebP and clears their flags", async (_label, lossless, alpha) => {
    const input = await image(alpha)
      .webp(lossless ? { lossless: true } : { quality: 70 })
      .withExif({ IFD0: { Copyright: "SERIAL-0042" } })
      .withXmp(XMP)
      .toBuffer();
    const output = stripWebpMetadata(input)!;
    expect(output.includes("SERIAL-0042")).toBe(false);
    const metadata = await sharp(output).metadata();
    expect([metadata.exif, metadata.xmp, metadata.hasAlpha]).toEqual([undefined, undefined, alpha]);
    const [before, after] = await Promise.all([sharp(input).raw().toBuffer(), sharp(output).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    expect(stripWebpMetadata(output)!.equals(output)).toBe(true);
    expect(isLosslessWebp(output)).toBe(lossless);
  });

  it("refuses animations (they are re-encoded from their first frame instead)", async () => {
    const frames = Buffer.concat([Buffer.alloc(20 * 10 * 3, 40), Buffer.alloc(20 * 10 * 3, 220)]);
    const animated = await sharp(frames, { raw: { width: 20, height: 20, channels: 3, pageHeight: 10 } })
      .webp({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    expect(stripWebpMetadata(animated)).toBeNull();
  });

  it("gives null for what is not a WebP", () => {
    expect(stripWebpMetadata(Buffer.from("RIFF\0\0\0\0AVI LIST"))).toBeNull();
  });
});
