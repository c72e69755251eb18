import sharp from "sharp";
import {
  animatedPng,
  animatedWebp,
  corruptPngCrc,
  gif,
  HTML,
  insertPngChunk,
  orientedJpeg,
  PDF,
  pixelFloodPng,
  pixelFloodWebp,
  plainJpeg,
  pngChunk,
  pngHtmlPolyglot,
  pngWithMetadata,
  SECRET,
  SVG,
  twelveBitJpeg,
  uprightPixels,
  webpWithMetadata,
} from "../support/image-fixtures.ts";

/**
 * The hostile-files corpus, generated in code (nothing binary is checked in): each maker returns
 * the bytes of one file. The table beside it says what must become of each.
 */

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 30 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } });

const truncate = (bytes: Buffer, fraction: number) => bytes.subarray(0, Math.floor(bytes.length * fraction));

/** Replaces the first SOF0 marker (baseline) with another SOFn, leaving the rest as it is. */
function withFrameMarker(jpeg: Buffer, marker: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let offset = 2; offset + 4 < out.length; offset += 2 + out.readUInt16BE(offset + 2)) {
    if (out[offset + 1] === 0xc0) {
      out[offset + 1] = marker;
      return out;
    }
  }
  throw new Error("no baseline frame header");
}

/** A JPEG with ten 60 KiB comment segments carrying the secret: 600 KiB of metadata. */
function withHugeComments(jpeg: Buffer): Buffer {
  const segment = Buffer.alloc(4 + 60_000, 0x20);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(60_002, 2);
  segment.write(SECRET, 4, "latin1");
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: 10 }, () => segment), jpeg.subarray(2)]);
}

export const corpus = {
  pngPlain: async () => (await uprightPixels(64, 48)).png().toBuffer(),
  pngInterlaced: async () => (await uprightPixels(64, 48)).png({ progressive: true }).toBuffer(),
  png16Bit: async () => (await uprightPixels(64, 48)).toColourspace("rgb16").png().toBuffer(),
  pngPalette: async () => (await uprightPixels(64, 48)).png({ palette: true, colours: 16 }).toBuffer(),
  pngGreyAlpha: async () => sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 128, g: 128, b: 128, alpha: 0.4 } } }).toColourspace("b-w").png().toBuffer(),
  pngOnePixel: async () => sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer(),
  pngHugeMetadata: async () => insertPngChunk(await pngWithMetadata(64, 48), "zTXt", Buffer.concat([Buffer.from("Raw\0\0", "latin1"), Buffer.alloc(1024 * 1024, 0x61)])),
  pngAnimated: async () => animatedPng(64, 32),
  pngZipAppended: async () => Buffer.concat([await (await uprightPixels(64, 48)).png().toBuffer(), Buffer.from(`PK\u0003\u0004${SECRET}`, "latin1")]),
  pngBadCrcLastIdat: async () => corruptPngCrc(await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer(), "IDAT"),
  pngBadCrcText: async () => corruptPngCrc(insertPngChunk(await (await uprightPixels(32, 32)).png().toBuffer(), "tEXt", Buffer.from("Comment\0x", "latin1")), "tEXt"),
  pngBadCrcIend: async () => corruptPngCrc(await (await uprightPixels(32, 32)).png().toBuffer(), "IEND"),
  pngNoIend: async () => {
    const png = await (await uprightPixels(32, 32)).png().toBuffer();
    return png.subarray(0, png.length - 12);
  },
  pngTruncated: async () => truncate(await noise(300, 200).png().toBuffer(), 0.6),
  pngPixelFlood: async () => pixelFloodPng(16383, 16383),
  pngPixelFloodHuge: async () => pixelFloodPng(100_000, 100_000),
  pngHtmlPolyglot: async () => pngHtmlPolyglot(),
  pngChunkOverflow: async () => {
    const png = await (await uprightPixels(32, 32)).png().toBuffer();
    const bogus = pngChunk("tEXt", Buffer.from("a\0b", "latin1"));
    bogus.writeUInt32BE(0x7ffffff0, 0);
    return Buffer.concat([png.subarray(0, 33), bogus, png.subarray(33)]);
  },
  jpegBaseline: async () => plainJpeg(120, 80),
  jpegProgressive: async () => plainJpeg(120, 80, { progressive: true }),
  jpegCmyk: async () => (await uprightPixels(64, 48)).toColourspace("cmyk").jpeg().toBuffer(),
  jpegGrey: async () => (await uprightPixels(64, 48)).toColourspace("b-w").jpeg().toBuffer(),
  jpegExifGpsRotated: async () => orientedJpeg(80, 60, 6),
  jpegHugeMetadata: async () => withHugeComments(await plainJpeg(80, 60)),
  jpegHtmlAppended: async () => Buffer.concat([await plainJpeg(80, 60), HTML]),
  jpegTruncated: async () => truncate(await noise(400, 300).jpeg().toBuffer(), 0.7),
  jpegPaddedEnd: async () => {
    const jpeg = await noise(120, 80).jpeg().toBuffer();
    return Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.alloc(512)]);
  },
  jpeg12Bit: async () => twelveBitJpeg(await plainJpeg(64, 48)),
  jpegLossless: async () => withFrameMarker(await plainJpeg(64, 48), 0xc3),
  jpegHierarchical: async () => withFrameMarker(await plainJpeg(64, 48), 0xc5),
  webpLossy: async () => (await uprightPixels(64, 48)).webp().toBuffer(),
  webpLossless: async () => (await uprightPixels(64, 48)).webp({ lossless: true }).toBuffer(),
  webpAnimated: async () => animatedWebp(64, 32),
  webpMetadata: async () => webpWithMetadata(64, 48),
  webpRiffTooBig: async () => {
    const webp = Buffer.from(await webpWithMetadata(64, 48));
    webp.writeUInt32LE(webp.readUInt32LE(4) + 1000, 4);
    return webp;
  },
  webpTruncated: async () => truncate(await noise(300, 200).webp().toBuffer(), 0.8),
  webpPixelFlood: async () => pixelFloodWebp(16383, 16383),
  webpTrailing: async () => Buffer.concat([await (await uprightPixels(64, 48)).webp().toBuffer(), Buffer.from(`<html>${SECRET}</html>`)]),
  gif: async () => gif(),
  svg: async () => SVG,
  html: async () => HTML,
  pdf: async () => PDF,
  empty: async () => Buffer.alloc(0),
} as const satisfies Record<string, () => Promise<Buffer>>;

export type CorpusFile = keyof typeof corpus;
