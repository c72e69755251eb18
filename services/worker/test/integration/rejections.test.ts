import type { ImageFormat, RejectionReason } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import {
  animatedPng,
  corruptPngCrc,
  gif,
  HTML,
  noisyJpeg,
  PDF,
  pixelFloodPng,
  pixelFloodWebp,
  plainJpeg,
  pngHtmlPolyglot,
  SVG,
  twelveBitJpeg,
  webpWithMetadata,
} from "../support/image-fixtures.ts";
import { createHarness, type Harness } from "../support/worker-harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness("rejections");
});
afterAll(() => harness.close());

/** Stages bytes as the API would have (claiming `format`), runs the job, checks the full rejection. */
async function expectRejected(bytes: Buffer | Promise<Buffer>, format: ImageFormat, reason: RejectionReason) {
  const other = await harness.createProduct([{ url: "https://example.com/external.jpg" }]);
  const image = await harness.stageUpload(other, await bytes, format);
  const result = await processImage({ imageId: image.id }, harness.deps);
  expect(result).toEqual({ outcome: "rejected", reason, format, sinceUploadMs: expect.any(Number) });

  const record = await harness.repositories.images.find(image.id);
  expect(record?.status).toBe("rejected");
  expect(record?.rejectionReason).toBe(reason);
  expect(record?.rejectionDetail?.length ?? 0).toBeGreaterThan(0);
  // Removed from the product by value; the caller's other entries stay.
  const product = await harness.repositories.products.find(other.companyId, other.id);
  expect(product?.images).toEqual([{ url: "https://example.com/external.jpg" }]);
  // Nothing of it is left in storage.
  expect(await harness.objectsOf(image)).toEqual([]);
  // A rejection is final: running the job again changes nothing.
  expect(await processImage({ imageId: image.id }, harness.deps)).toEqual({ outcome: "skipped", status: "rejected" });
  return record!;
}

describe("process-image rejects what is not a real PNG/JPEG/WebP within the limits", () => {
  it("a truncated JPEG (full decode, not a thumbnail) → corrupt", async () => {
    const jpeg = await plainJpeg(1600, 1200, { quality: 90 });
    await expectRejected(jpeg.subarray(0, Math.floor(jpeg.length * 0.97)), "jpeg", "corrupt");
  });

  it("a truncated progressive JPEG → corrupt", async () => {
    const jpeg = await plainJpeg(1600, 1200, { progressive: true });
    await expectRejected(jpeg.subarray(0, Math.floor(jpeg.length * 0.8)), "jpeg", "corrupt");
  });

  it("a PNG with a bad CRC in its image data → corrupt", async () => {
    const png = await (await import("sharp")).default(await noisyJpeg(200, 100)).png().toBuffer();
    await expectRejected(corruptPngCrc(png, "IDAT"), "png", "corrupt");
  });

  it("a PNG with a bad CRC in its last image-data chunk, or in IEND, or with no IEND → corrupt (the decoder lets these through)", async () => {
    const sharp = (await import("sharp")).default;
    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
    await expectRejected(corruptPngCrc(small, "IDAT"), "png", "corrupt");
    await expectRejected(corruptPngCrc(small, "IEND"), "png", "corrupt");
    await expectRejected(small.subarray(0, small.length - 12), "png", "corrupt");
  });

  it("a JPEG whose end is missing and padded with zeros → corrupt (the decoder renders it grey)", async () => {
    const jpeg = await noisyJpeg(120, 80);
    await expectRejected(Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.alloc(256)]), "jpeg", "corrupt");
  });

  it("a PNG with a bad CRC in its header → corrupt", async () => {
    const png = await (await import("sharp")).default(await plainJpeg(64, 64)).png().toBuffer();
    await expectRejected(corruptPngCrc(png, "IHDR"), "png", "corrupt");
  });

  it("HTML, SVG, PDF and GIF bytes → not_an_image", async () => {
    await expectRejected(HTML, "png", "not_an_image");
    await expectRejected(SVG, "png", "not_an_image");
    await expectRejected(PDF, "jpeg", "not_an_image");
    await expectRejected(gif(), "png", "not_an_image");
  });

  it("a polyglot: PNG signature and header, then an HTML page → corrupt", async () => {
    await expectRejected(pngHtmlPolyglot(), "png", "corrupt");
  });

  it("WebP bytes stored as a PNG → type_mismatch", async () => {
    await expectRejected(webpWithMetadata(32, 32), "png", "type_mismatch");
  });

  it("pixel floods: a tiny PNG and a tiny WebP claiming 16383×16383 → too_many_pixels", async () => {
    const png = await pixelFloodPng(16383, 16383);
    const webp = await pixelFloodWebp(16383, 16383);
    expect(png.length).toBeLessThan(1_000);
    expect(webp.length).toBeLessThan(1_000);
    await expectRejected(png, "png", "too_many_pixels");
    await expectRejected(webp, "webp", "too_many_pixels");
  });

  it("a 12-bit JPEG → unsupported_variant", async () => {
    const record = await expectRejected(twelveBitJpeg(await plainJpeg(64, 64)), "jpeg", "unsupported_variant");
    expect(record.rejectionDetail).toMatch(/12-bit/);
  });

  it("zero bytes → empty", async () => {
    await expectRejected(Buffer.alloc(0), "jpeg", "empty");
  });

  it("an object that vanished from storage → empty", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(64, 64), "jpeg");
    await harness.storage.delete([image.key]);
    expect(await processImage({ imageId: image.id }, harness.deps)).toEqual({ outcome: "rejected", reason: "empty", format: "jpeg", sinceUploadMs: expect.any(Number) });
  });

  it("an image that takes longer than its time limit → timeout", async () => {
    const slow = await createHarness("rejections-timeout", { IMAGE_TIMEOUT_SECONDS: "1" });
    try {
      const product = await slow.createProduct();
      // 25 MP of noise: decoding it fully, then rendering four widths, takes seconds on any machine.
      const image = await slow.stageUpload(product, await noisyJpeg(5000, 5000), "jpeg");
      expect(await processImage({ imageId: image.id }, slow.deps)).toEqual({ outcome: "rejected", reason: "timeout", format: "jpeg", sinceUploadMs: expect.any(Number) });
      expect(await slow.objectsOf(image)).toEqual([]);
    } finally {
      await slow.close();
    }
  }, 120_000);

  it("an animated PNG is not rejected: it becomes a still of its first frame", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, animatedPng(64, 32), "png");
    expect(await processImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "ready" });
  });
});
