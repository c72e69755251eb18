import { crc32, deflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/**
 * Test images made in code. Tests may use sharp to build and inspect fixtures; the worker's own
 * code reaches sharp only through its codec module.
 */

export const RED = { r: 220, g: 20, b: 20 };
export const BLUE = { r: 20, g: 40, b: 220 };
/** Words planted in EXIF/XMP/text metadata; no served byte may contain them. */
export const SECRET = "SECRET-SERIAL-4242";

/**
 * An upright `width`×`height` image, blue with a red top-left quadrant, so orientation and
 * mirroring show in which corner is red.
 */
export async function uprightPixels(width: number, height: number): Promise<Sharp> {
  const corner = await sharp({ create: { width: Math.floor(width / 2), height: Math.floor(height / 2), channels: 3, background: RED } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: BLUE } }).composite([{ input: corner, left: 0, top: 0 }]);
}

/** Stored pixels for EXIF orientation `o`: what a camera writes so that applying `o` gives the upright image. */
function storeForOrientation(image: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(90).flip();
    case 6:
      return image.rotate(270);
    case 7:
      return image.rotate(270).flip();
    case 8:
      return image.rotate(90);
    default:
      return image;
  }
}

const GPS_EXIF = {
  IFD0: { Copyright: SECRET, Make: "TestCam", Model: SECRET },
  IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2399/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 799/100" },
};

/** A JPEG whose upright form is `width`×`height`, stored rotated/mirrored for `orientation`, with GPS EXIF. */
export async function orientedJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  const upright = await (await uprightPixels(width, height)).png().toBuffer();
  const stored = await storeForOrientation(sharp(upright), orientation).png().toBuffer();
  return sharp(stored).jpeg({ quality: 90 }).withExif(GPS_EXIF).withMetadata({ orientation }).toBuffer();
}

export async function plainJpeg(width: number, height: number, options: { quality?: number; progressive?: boolean } = {}): Promise<Buffer> {
  return (await uprightPixels(width, height)).jpeg({ quality: options.quality ?? 85, progressive: options.progressive ?? false }).toBuffer();
}

/** Noise compresses badly: a big, slow image for tests that need a job to take a while. */
export async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: BLUE, noise: { type: "gaussian", mean: 128, sigma: 50 } } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

export async function pngWithMetadata(width: number, height: number): Promise<Buffer> {
  const png = await (await uprightPixels(width, height)).png().withExif(GPS_EXIF).toBuffer();
  // Add a tEXt chunk and trailing bytes after IEND, as some tools (and attackers) do.
  return Buffer.concat([insertPngChunk(png, "tEXt", Buffer.from(`Comment\0${SECRET}`, "latin1")), Buffer.from(`<script>${SECRET}</script>`)]);
}

export async function webpWithMetadata(width: number, height: number, options: { lossless?: boolean } = {}): Promise<Buffer> {
  return (await uprightPixels(width, height))
    .webp(options.lossless ? { lossless: true } : { quality: 80 })
    .withExif(GPS_EXIF)
    .withXmp(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>${SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>`)
    .toBuffer();
}

/** Two frames: red then blue. */
export async function animatedWebp(width: number, height: number): Promise<Buffer> {
  const frame = (c: typeof RED) => Buffer.alloc(width * height * 3, Buffer.from([c.r, c.g, c.b]));
  return sharp(Buffer.concat([frame(RED), frame(BLUE)]), { raw: { width, height: height * 2, channels: 3, pageHeight: height } })
    .webp({ loop: 0, delay: [100, 100] })
    .toBuffer();
}

/** An APNG with two frames (red, then blue), built chunk by chunk: libvips cannot write one. */
export function animatedPng(width: number, height: number): Buffer {
  const scanlines = (c: typeof RED) => {
    const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([c.r, c.g, c.b]))]);
    return deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  const fctl = (seq: number) => Buffer.concat([u32(seq), u32(width), u32(height), u32(0), u32(0), u16(1), u16(10), Buffer.from([0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("acTL", Buffer.concat([u32(2), u32(0)])),
    pngChunk("fcTL", fctl(0)),
    pngChunk("IDAT", scanlines(RED)),
    pngChunk("fcTL", fctl(1)),
    pngChunk("fdAT", Buffer.concat([u32(2), scanlines(BLUE)])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** Inserts a chunk right after IHDR. */
export function insertPngChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterIhdr), pngChunk(type, data), png.subarray(afterIhdr)]);
}

/** Flips the CRC of the first chunk of `type`. */
export function corruptPngCrc(png: Buffer, type: string): Buffer {
  const out = Buffer.from(png);
  for (let offset = 8; offset < out.length; ) {
    const length = out.readUInt32BE(offset);
    if (out.toString("latin1", offset + 4, offset + 8) === type) {
      out[offset + 8 + length] = out[offset + 8 + length]! ^ 0xff;
      return out;
    }
    offset += 12 + length;
  }
  throw new Error(`no ${type} chunk`);
}

/** A tiny PNG whose IHDR claims `width`×`height` (CRC fixed up, so only the size is wrong). */
export async function pixelFloodPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 64, height: 64, channels: 3, background: RED } }).png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A tiny lossy WebP whose VP8 frame header claims `width`×`height` (14 bits each, at most 16383). */
export async function pixelFloodWebp(width: number, height: number): Promise<Buffer> {
  const webp = Buffer.from(await sharp({ create: { width: 64, height: 64, channels: 3, background: RED } }).webp({ quality: 50 }).toBuffer());
  if (webp.toString("latin1", 12, 16) !== "VP8 ") throw new Error("expected a simple lossy WebP");
  webp.writeUInt16LE(width & 0x3fff, 26);
  webp.writeUInt16LE(height & 0x3fff, 28);
  return webp;
}

/** Sets the frame header's sample precision to 12 bits. */
export function twelveBitJpeg(jpeg: Buffer): Buffer {
  const out = Buffer.from(jpeg);
  for (let offset = 2; offset + 4 < out.length; ) {
    const marker = out[offset + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out[offset + 4] = 12;
      return out;
    }
    offset += 2 + out.readUInt16BE(offset + 2);
  }
  throw new Error("no frame header");
}

export const HTML = Buffer.from(`<!doctype html><html><body><script>alert("${SECRET}")</script></body></html>`);
export const SVG = Buffer.from(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`);
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

export async function gif(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).gif().toBuffer();
}

/** A PNG signature and header, then an HTML page where the image data should be. */
export async function pngHtmlPolyglot(): Promise<Buffer> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: RED } }).png().toBuffer();
  return Buffer.concat([png.subarray(0, 8 + 25), HTML]);
}

/** Colour of the pixel at (x, y) of an encoded image. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return { r: data[offset]!, g: data[offset + 1]!, b: data[offset + 2]! };
}

export function isRed(c: { r: number; g: number; b: number }): boolean {
  return c.r > 150 && c.g < 100 && c.b < 100;
}

export function isBlue(c: { r: number; g: number; b: number }): boolean {
  return c.b > 150 && c.r < 100;
}
