import type { DerivativeFormat, ImageFormat } from "@ingest/shared";
import sharp, { type Sharp, type SharpOptions } from "sharp";
import { ImageRejection } from "./image-rejection.ts";

/**
 * The only module that imports sharp. Everything here works on bytes already in memory and
 * answers with plain data; a decoder's refusal becomes an ImageRejection with a typed reason.
 */

/** Limits applied to every decode of untrusted bytes. */
export interface CodecLimits {
  /** Width × height above which an image is refused before its pixels are decoded. */
  readonly maxPixels: number;
}

/** What the container's headers say, read without decoding a pixel. */
export interface ImageHeader {
  /** Format as the decoder saw it. */
  readonly format: ImageFormat;
  /** Upright dimensions: EXIF orientation already applied. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation, 1 when absent. */
  readonly orientation: number;
  /** More than 1 for animated WebP/PNG; only the first is ever decoded. */
  readonly pages: number;
}

/** The first frame, decoded once: upright, sRGB, 8 bits a sample, held in memory as raw samples. */
export interface Pixels {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

export interface DecodedImage extends ImageHeader {
  readonly pixels: Pixels;
}

export interface EncodedImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface Summary {
  /** A small upright RGBA rendering, at most 100×100, for placeholders. */
  readonly rgba: { readonly data: Uint8Array; readonly width: number; readonly height: number };
  readonly dominant: { readonly r: number; readonly g: number; readonly b: number };
}

export interface ImageCodec {
  /** The headers only: cheap, and enough to check a container-level edit kept the image's shape. */
  inspect(bytes: Buffer, deadline: number): Promise<ImageHeader>;
  /**
   * Decodes every pixel of the first frame (no shrink-on-load shortcut) within the limits, so a
   * truncated or corrupt file is caught here and not in a later, partial decode. This is the only
   * decode of the image: every output is made from the pixels it returns.
   */
  decode(bytes: Buffer, deadline: number): Promise<DecodedImage>;
  /** `width` wide at most, no metadata. */
  renderDerivative(pixels: Pixels, width: number, format: DerivativeFormat, deadline: number): Promise<EncodedImage>;
  /** The pixels in the original's format, no metadata, at high quality. */
  reencodeOriginal(pixels: Pixels, format: ImageFormat, options: { lossless: boolean }, deadline: number): Promise<EncodedImage>;
  summarize(pixels: Pixels, deadline: number): Promise<Summary>;
}

/**
 * AVIF encoder effort, weighed in `pnpm bench` (one 1280 px encode of a photo-like 1 MB JPEG,
 * libvips 8.18): effort 3 took 0.24 × the CPU of 4 but its files were 1.64 × as large (effort 2:
 * 2.2 ×). AVIF is chosen for small files, so 4 stays. WebP's effort 4 is its default.
 */
const AVIF = { quality: 55, effort: 4 } as const;
const WEBP = { quality: 82, effort: 4 } as const;

/**
 * Process-wide sharp settings; call once from main before any job runs. Only the JPEG, PNG and
 * WebP buffer loaders may run: every other libvips loader (SVG, PDF, TIFF, HEIF, ...) is blocked,
 * so a file that slips past sniffing still never reaches a parser we did not choose.
 */
export function configureSharp(options: { concurrency: number }): void {
  sharp.cache(false);
  sharp.concurrency(options.concurrency);
  sharp.block({ operation: ["VipsForeignLoad"] });
  sharp.unblock({ operation: ["VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer", "VipsForeignLoadWebpBuffer"] });
}

export function createImageCodec(limits: CodecLimits): ImageCodec {
  const input: SharpOptions = {
    // Errors in the pixel data fail the decode; libjpeg's mere warnings (extraneous bytes, which
    // real cameras write) do not. A truncated file and a PNG chunk with a bad CRC both fail.
    failOn: "error",
    limitInputPixels: limits.maxPixels,
    // First frame only: never decode every frame of an untrusted animation.
    pages: 1,
    page: 0,
  };
  const timeout = (deadline: number) => ({ seconds: secondsLeft(deadline) });
  // Raw pixels are trusted input (we decoded them), so no pixel limit beyond the original's.
  const fromPixels = (pixels: Pixels, deadline: number): Sharp =>
    sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels }, limitInputPixels: false }).timeout(timeout(deadline));

  const inspect = async (bytes: Buffer, deadline: number): Promise<ImageHeader> => {
    const metadata = await run(deadline, () => sharp(bytes, input).metadata(), "verdict");
    const format = toImageFormat(metadata.format);
    if (!format) throw new ImageRejection("corrupt", `the decoder does not read it as PNG, JPEG or WebP (${metadata.format})`);
    const orientation = metadata.orientation ?? 1;
    const rotated = orientation >= 5 && orientation <= 8;
    return {
      format,
      width: rotated ? metadata.height : metadata.width,
      height: rotated ? metadata.width : metadata.height,
      orientation,
      pages: metadata.pages ?? 1,
    };
  };

  return {
    inspect,

    async decode(bytes, deadline) {
      const header = await inspect(bytes, deadline);
      // One pass through the decoder for every pixel; orientation and colour are applied on the way.
      const out = await run(
        deadline,
        () => sharp(bytes, input).timeout(timeout(deadline)).autoOrient().toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true }),
        "verdict",
      );
      const { width, height, channels } = out.info;
      return { ...header, pixels: { data: out.data, width, height, channels } };
    },

    async renderDerivative(pixels, width, format, deadline) {
      const pipeline = fromPixels(pixels, deadline).resize({ width, withoutEnlargement: true });
      const encoded = format === "avif" ? pipeline.avif(AVIF) : pipeline.webp(WEBP);
      const out = await run(deadline, () => encoded.toBuffer({ resolveWithObject: true }));
      return { data: out.data, width: out.info.width, height: out.info.height };
    },

    async reencodeOriginal(pixels, format, { lossless }, deadline) {
      const pipeline = fromPixels(pixels, deadline);
      const encoded =
        format === "jpeg"
          ? pipeline.jpeg({ quality: 92, chromaSubsampling: "4:4:4" })
          : format === "png"
            ? pipeline.png({ compressionLevel: 9, adaptiveFiltering: true })
            : pipeline.webp(lossless ? { lossless: true } : { quality: 92 });
      const out = await run(deadline, () => encoded.toBuffer({ resolveWithObject: true }));
      return { data: out.data, width: out.info.width, height: out.info.height };
    },

    async summarize(pixels, deadline) {
      const small = await run(deadline, () =>
        fromPixels(pixels, deadline)
          .resize(100, 100, { fit: "inside", withoutEnlargement: true })
          .ensureAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true }),
      );
      const { width, height, channels } = small.info;
      const stats = await run(deadline, () => sharp(small.data, { raw: { width, height, channels } }).stats());
      return { rgba: { data: small.data, width, height }, dominant: stats.dominant };
    },
  };
}

function toImageFormat(format: string | undefined): ImageFormat | null {
  return format === "jpeg" || format === "png" || format === "webp" ? format : null;
}

function secondsLeft(deadline: number): number {
  return Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
}

/**
 * Runs one sharp operation against the image's deadline. libvips' own timeout stops the work when
 * it notices; the race makes sure the job gets its verdict on time even when libvips does not.
 * In "verdict" mode (decoding untrusted bytes) any decoder error is a rejection; afterwards the
 * bytes are known to decode, so only limits reject and any other error is ours and may retry.
 */
async function run<T>(deadline: number, operation: () => Promise<T>, mode: "verdict" | "render" = "render"): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new ImageRejection("timeout", "the image took longer than its time limit to process");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImageRejection("timeout", "the image took longer than its time limit to process")), remaining);
  });
  try {
    return await Promise.race([operation().catch((error: unknown) => Promise.reject(classify(error, mode))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Maps a decoder's error to a verdict; anything that is not about the bytes is rethrown as is. */
function classify(error: unknown, mode: "verdict" | "render"): unknown {
  if (!(error instanceof Error) || error instanceof ImageRejection) return error;
  const message = error.message.split("\n")[0] ?? error.message;
  // Memory pressure is the machine's problem, not the image's: let the job retry.
  if (/out of memory|cannot allocate|memory allocation/i.test(error.message)) return error;
  if (/exceeds pixel limit/i.test(message)) return new ImageRejection("too_many_pixels", message);
  if (/^timeout/i.test(message)) return new ImageRejection("timeout", "the image took longer than its time limit to process");
  if (mode === "render") return error;
  if (/unsupported JPEG (data precision|process)|unsupported color conversion|unsupported.*(bit depth|colour space)/i.test(error.message)) {
    return new ImageRejection("unsupported_variant", message);
  }
  return new ImageRejection("corrupt", message);
}
