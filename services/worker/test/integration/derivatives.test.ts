import { createHash } from "node:crypto";
import sharp from "sharp";
import { thumbHashToRGBA } from "thumbhash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import {
  animatedPng,
  animatedWebp,
  isBlue,
  isRed,
  orientedJpeg,
  pixelAt,
  plainJpeg,
  pngWithMetadata,
  SECRET,
  webpWithMetadata,
} from "../support/image-fixtures.ts";
import { createHarness, type Harness } from "../support/worker-harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness("derivatives");
});
afterAll(() => harness.close());

async function read(key: string): Promise<Buffer> {
  const bytes = await harness.storage.getBuffer(key, 64 * 1024 * 1024);
  if (!bytes) throw new Error(`missing ${key}`);
  return bytes;
}

/** No EXIF, XMP, IPTC or text metadata in the bytes, and none of the planted words. */
async function expectNoMetadata(bytes: Buffer) {
  const metadata = await sharp(bytes).metadata();
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.comments ?? []).toEqual([]);
  expect(metadata.orientation).toBeUndefined();
  expect(bytes.includes("Exif\0\0")).toBe(false);
  expect(bytes.includes(SECRET)).toBe(false);
  expect(bytes.includes("<script")).toBe(false);
}

async function processReady(bytes: Buffer, format: "jpeg" | "png" | "webp") {
  const product = await harness.createProduct();
  const image = await harness.stageUpload(product, bytes, format);
  expect(await processImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "ready" });
  const record = (await harness.repositories.images.find(image.id))!;
  expect(record.status).toBe("ready");
  return record;
}

describe("derivatives", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("EXIF orientation %i gives upright derivatives of the right size, with no metadata", async (orientation) => {
    const record = await processReady(await orientedJpeg(2400, 1200, orientation), "jpeg");
    expect([record.width, record.height]).toEqual([2400, 1200]);
    expect(record.derivatives.map((d) => [d.width, d.height, d.format])).toEqual([
      [320, 160, "webp"],
      [640, 320, "webp"],
      [1280, 640, "webp"],
      [1920, 960, "webp"],
    ]);
    for (const derivative of record.derivatives) {
      const bytes = await read(derivative.key);
      expect(derivative.key).toBe(`${record.key.slice(0, record.key.lastIndexOf("."))}/${derivative.width}w.webp`);
      expect(derivative.bytes).toBe(bytes.length);
      expect(derivative.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      const metadata = await sharp(bytes).metadata();
      expect([metadata.format, metadata.width, metadata.height, metadata.space]).toEqual(["webp", derivative.width, derivative.height, "srgb"]);
      await expectNoMetadata(bytes);
      // Upright: red top-left, blue elsewhere.
      const { width, height } = derivative;
      expect(isRed(await pixelAt(bytes, 2, 2))).toBe(true);
      expect(isBlue(await pixelAt(bytes, width - 3, 2))).toBe(true);
      expect(isBlue(await pixelAt(bytes, 2, height - 3))).toBe(true);
    }

    // The served original: same URL and key, upright, and without its EXIF and GPS.
    const original = await read(record.key);
    await expectNoMetadata(original);
    const served = await sharp(original).metadata();
    expect([served.format, served.width, served.height]).toEqual(["jpeg", 2400, 1200]);
    expect(isRed(await pixelAt(original, 5, 5))).toBe(true);
    expect(record.bytes).toBe(original.length);
    expect(record.sha256).toBe(createHash("sha256").update(original).digest("hex"));

    // Placeholder and dominant colour (the image is three quarters blue).
    expect(thumbHashToRGBA(Buffer.from(record.placeholder!, "base64")).w).toBeGreaterThan(0);
    expect(record.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    const [r, , b] = [1, 3, 5].map((i) => Number.parseInt(record.dominantColor!.slice(i, i + 2), 16)) as [number, number, number];
    expect(b).toBeGreaterThan(r);
  });

  it("an upright JPEG keeps its exact pixels: metadata is cut at the segment level, not re-encoded", async () => {
    const upload = await orientedJpeg(800, 600, 1);
    const record = await processReady(upload, "jpeg");
    const original = await read(record.key);
    await expectNoMetadata(original);
    expect(original.length).toBeLessThan(upload.length);
    const [before, after] = await Promise.all([sharp(upload).raw().toBuffer(), sharp(original).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
  });

  it("a PNG loses its eXIf, text chunks and trailing bytes, pixels intact", async () => {
    const upload = await pngWithMetadata(300, 200);
    const record = await processReady(upload, "png");
    const original = await read(record.key);
    await expectNoMetadata(original);
    const [before, after] = await Promise.all([sharp(upload).raw().toBuffer(), sharp(original).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
  });

  it.each([false, true])("a WebP (lossless: %s) loses its EXIF and XMP, pixels intact", async (lossless) => {
    const upload = await webpWithMetadata(300, 200, { lossless });
    const record = await processReady(upload, "webp");
    const original = await read(record.key);
    await expectNoMetadata(original);
    const [before, after] = await Promise.all([sharp(upload).raw().toBuffer(), sharp(original).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
  });

  it("a valid JPEG with an HTML page appended (a polyglot) is served without the page", async () => {
    const upload = Buffer.concat([await plainJpeg(400, 300), Buffer.from(`<html><script>alert("${SECRET}")</script></html>`)]);
    const record = await processReady(upload, "jpeg");
    await expectNoMetadata(await read(record.key));
  });

  it("a small image is never upscaled: one derivative at its own width", async () => {
    const record = await processReady(await plainJpeg(200, 150), "jpeg");
    expect(record.derivatives.map((d) => [d.width, d.height])).toEqual([[200, 150]]);
    expect(record.derivatives[0]?.key).toMatch(/\/200w\.webp$/);
  });

  it("a mid-sized image gets the widths it can fill plus its own", async () => {
    const record = await processReady(await plainJpeg(1000, 500), "jpeg");
    expect(record.derivatives.map((d) => d.width)).toEqual([320, 640, 1000]);
  });

  it("animated WebP: derivatives and the served original come from the first frame only", async () => {
    const record = await processReady(await animatedWebp(400, 200), "webp");
    expect([record.width, record.height]).toEqual([400, 200]);
    const original = await read(record.key);
    const metadata = await sharp(original, { animated: true }).metadata();
    expect(metadata.pages ?? 1).toBe(1);
    expect(isRed(await pixelAt(original, 200, 100))).toBe(true);
    for (const derivative of record.derivatives) expect(isRed(await pixelAt(await read(derivative.key), 5, 5))).toBe(true);
  });

  it("APNG: the animation chunks are dropped; the served PNG is the first frame", async () => {
    const record = await processReady(animatedPng(400, 200), "png");
    const original = await read(record.key);
    expect(original.includes("acTL")).toBe(false);
    expect(original.includes("fdAT")).toBe(false);
    expect(isRed(await pixelAt(original, 10, 10))).toBe(true);
    expect(record.derivatives.map((d) => d.width)).toEqual([320, 400]);
  });

  it("AVIF derivatives too when configured", async () => {
    const avif = await createHarness("derivatives-avif", { DERIVATIVE_FORMATS: "webp,avif", DERIVATIVE_WIDTHS: "160,320" });
    try {
      const product = await avif.createProduct();
      const image = await avif.stageUpload(product, await orientedJpeg(600, 300, 6), "jpeg");
      expect(await processImage({ imageId: image.id }, avif.deps)).toMatchObject({ outcome: "ready", derivatives: 4 });
      const record = (await avif.repositories.images.find(image.id))!;
      expect(record.derivatives.map((d) => `${d.width}x${d.height}.${d.format}`)).toEqual(["160x80.webp", "320x160.webp", "160x80.avif", "320x160.avif"]);
      for (const derivative of record.derivatives.filter((d) => d.format === "avif")) {
        // Checked from the bytes: the worker's process blocks the HEIF loader, tests included.
        const bytes = (await avif.storage.getBuffer(derivative.key, 1e7))!;
        expect(bytes.toString("latin1", 4, 12)).toBe("ftypavif");
        expect(bytes.includes("Exif")).toBe(false);
        expect(bytes.includes(SECRET)).toBe(false);
      }
    } finally {
      await avif.close();
    }
  }, 60_000);
});
