import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { pngChunk } from "../../test/support/image-fixtures.ts";
import { findPaletteIndexDefect } from "./png-palette-indexes.ts";

/** An 8-bit palette PNG, 4 pixels wide, from rows given as [filter type, ...bytes as stored]. */
function palettePng(entries: number, rows: number[][]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(4, 0);
  header.writeUInt32BE(rows.length, 4);
  header.set([8, 3, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("PLTE", Buffer.alloc(entries * 3, 0x80)),
    pngChunk("IDAT", deflateSync(Buffer.from(rows.flat()))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * Pixels drawn at random from `colours` colours, written as a palette of exactly that many (at the
 * least bit depth that holds them): shorter than the depth allows, so the check runs, and every
 * row filter is in play.
 */
function randomPalette(colours: number, progressive: boolean): Promise<Buffer> {
  const [width, height] = [37, 23];
  const rgb = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let pixel = 0; pixel < width * height; pixel++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const colour = seed % colours;
    rgb.set([(colour * 37) % 256, (colour * 91) % 256, colour], pixel * 3);
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png({ palette: true, colours: Math.max(2, colours), dither: 0, adaptiveFiltering: true, progressive }).toBuffer();
}

describe("findPaletteIndexDefect", () => {
  it("passes palette files an encoder wrote, at every bit depth, interlaced or not", async () => {
    for (const colours of [1, 3, 11, 150]) {
      for (const progressive of [false, true]) {
        const png = await randomPalette(colours, progressive);
        expect({ colours, progressive, defect: await findPaletteIndexDefect(png) }).toEqual({ colours, progressive, defect: null });
      }
    }
  });

  it("refuses a pixel past the palette's end, once the row's filter is undone", async () => {
    expect(await findPaletteIndexDefect(palettePng(2, [[0, 0, 1, 0, 1], [2, 0, 0, 0, 0], [1, 1, 0, 0, 0]]))).toBeNull();
    expect(await findPaletteIndexDefect(palettePng(2, [[0, 0, 1, 2, 1]]))).toBe("a pixel uses palette entry 2, the palette has 2");
    // Every stored byte is within the palette; after the Sub filter the row reads 1, 2, 2, 2.
    expect(await findPaletteIndexDefect(palettePng(2, [[1, 1, 1, 0, 0]]))).toBe("a pixel uses palette entry 2, the palette has 2");
  });

  it("refuses image data that is short, too long or filtered with an unknown type", async () => {
    expect(await findPaletteIndexDefect(palettePng(2, [[0, 0, 1, 0]]))).toBe("the image data ends before its last row");
    const tooLong = palettePng(2, [[0, 0, 1, 0, 1, 1]]);
    expect(await findPaletteIndexDefect(tooLong)).toBe("the image data does not inflate to the rows its header declares");
    expect(await findPaletteIndexDefect(palettePng(2, [[5, 0, 0, 0, 0]]))).toBe("row filter type 5 does not exist");
  });

  it("leaves other colour types, and palettes as long as the bit depth allows, alone", async () => {
    expect(await findPaletteIndexDefect(await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } }).png().toBuffer())).toBeNull();
    expect(await findPaletteIndexDefect(palettePng(256, [[0, 255, 0, 0, 0]]))).toBeNull();
  });
});
