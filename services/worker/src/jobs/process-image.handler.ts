import { hash } from "node:crypto";
import {
  contentTypeOfKey,
  type Derivative,
  derivativeKey,
  type ImageFormat,
  type ImageRecord,
  type ImageRepository,
  type ImageStatus,
  ObjectTooLargeError,
  type ProcessImagePayload,
  type ProductRepository,
  type RejectionReason,
  type Storage,
  sniffImageFormat,
} from "@ingest/shared";
import { derivativeWidths } from "../images/derivative-widths.ts";
import type { DecodedImage, ImageCodec } from "../images/image.codec.ts";
import { type DerivativeSettings, deleteImageObjects } from "../images/image-objects.ts";
import { ImageRejection } from "../images/image-rejection.ts";
import { readJpegFrame, unsupportedJpegVariant } from "../images/jpeg-frame.ts";
import { thumbHashBase64, toHexColor } from "../images/placeholder.ts";
import { isImageReferenced, removeImageFromProduct } from "../images/product-references.ts";
import { retireImage } from "../images/retire-image.ts";
import { findContainerDefect } from "../integrity/container-defects.ts";
import { findPaletteIndexDefect } from "../integrity/png-palette-indexes.ts";
import { stripMetadata } from "../originals/strip-metadata.ts";
import { isLosslessWebp } from "../originals/webp-metadata.ts";
import { emitImageEvent, type WebhookEmitDeps } from "../webhooks/emit-webhook-event.ts";
import type { WebhookSettings } from "../webhooks/webhook-settings.ts";
import type { WorkerLog } from "../worker-log.ts";

/**
 * Uploads are capped at 5 MiB, but an original this worker re-encoded (to apply its orientation)
 * can be larger than the upload; a retry must still be able to read it.
 */
export const MAX_STORED_ORIGINAL_BYTES = 32 * 1024 * 1024;
const DERIVATIVE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/**
 * The original keeps the header the API stored it with: its bytes at the same URL may change
 * once (when metadata is stripped), so a cache in front of the bucket must revalidate.
 */
const ORIGINAL_CACHE_CONTROL = "public, no-cache";

export interface ProcessImageDeps extends WebhookEmitDeps {
  readonly images: ImageRepository;
  readonly products: ProductRepository;
  readonly storage: Storage;
  readonly codec: ImageCodec;
  readonly settings: DerivativeSettings & { readonly imageTimeoutSeconds: number; readonly webhooks: WebhookSettings };
  readonly log: WorkerLog;
}

/**
 * `format` and `sinceUploadMs` (from the image record's creation, just before the upload's 201,
 * to the verdict) feed the pipeline SLO metric; `derivativeBytes` counts what was written.
 */
export type ProcessImageResult =
  | {
      readonly outcome: "ready";
      readonly derivatives: number;
      readonly format: ImageFormat;
      readonly sinceUploadMs: number;
      readonly derivativeBytes: Readonly<Record<string, number>>;
    }
  | { readonly outcome: "rejected"; readonly reason: RejectionReason; readonly format: ImageFormat; readonly sinceUploadMs: number }
  | { readonly outcome: "discarded" }
  | { readonly outcome: "skipped"; readonly status: ImageStatus | "missing" };

/**
 * Verifies one managed image and makes it ready, or rejects it. Idempotent: keys are
 * deterministic, the cleaned original is a fixed point of cleaning, and the record only points
 * at derivatives once all of them are written. Transient failures (storage, database) throw and
 * BullMQ retries; a rejection is a verdict, returned as a result and never retried.
 */
export async function processImage({ imageId }: ProcessImagePayload, deps: ProcessImageDeps): Promise<ProcessImageResult> {
  const image = await deps.images.find(imageId);
  if (!image) return { outcome: "skipped", status: "missing" };
  switch (image.status) {
    case "ready":
    case "rejected":
      // A run after the verdict (a retry after a crash that came before the event): emit it again;
      // the event id is the same, so nothing is sent twice to a receiver that drops duplicates.
      await emitImageEvent(image.status === "ready" ? "image.ready" : "image.rejected", image, deps);
      return { outcome: "skipped", status: image.status };
    case "removed":
    case "deleted":
      // Dropped while queued: make sure nothing of it stays behind, including a partial run's output.
      await retireImage(image, deps);
      return { outcome: "discarded" };
    case "staged":
      // The API appends before it moves the image on; a staged image that is referenced lost only
      // that last step. One that is not referenced is still being uploaded, or was abandoned.
      if (!(await isImageReferenced(deps.products, image))) return { outcome: "skipped", status: "staged" };
      await deps.images.transition(image.id, ["staged"], "processing");
      break;
    case "processing":
      break;
  }

  const deadline = Date.now() + deps.settings.imageTimeoutSeconds * 1000;
  let verified: { bytes: Buffer; decoded: DecodedImage };
  try {
    verified = await readAndVerify(image, deps, deadline);
  } catch (error) {
    if (error instanceof ImageRejection) return rejectImage(image, error, deps);
    throw error;
  }

  if (!(await isImageReferenced(deps.products, image))) {
    await retireImage(image, deps);
    return { outcome: "discarded" };
  }

  let output: Awaited<ReturnType<typeof renderOutputs>>;
  try {
    output = await renderOutputs(image, verified, deps, deadline);
  } catch (error) {
    if (error instanceof ImageRejection) return rejectImage(image, error, deps);
    throw error;
  }

  // Derivatives first, the cleaned original last, the record after both: a crash anywhere in
  // between leaves the image `processing` with nothing new referenced, and the retry overwrites
  // the same keys.
  await Promise.all(
    output.derivatives.map(({ derivative, data }) =>
      deps.storage.put(derivative.key, data, { contentType: contentTypeOfKey(derivative.key), cacheControl: DERIVATIVE_CACHE_CONTROL }),
    ),
  );
  if (!output.original.equals(verified.bytes)) await deps.storage.put(image.key, output.original, { contentType: image.contentType, cacheControl: ORIGINAL_CACHE_CONTROL });

  const marked = await deps.images.markReady(image.id, {
    width: output.width,
    height: output.height,
    bytes: output.original.length,
    sha256: sha256(output.original),
    placeholder: output.placeholder,
    dominantColor: output.dominantColor,
    derivatives: output.derivatives.map(({ derivative }) => derivative),
  });
  if (!marked) {
    const now = await deps.images.find(image.id);
    if (now && (now.status === "removed" || now.status === "deleted")) {
      await retireImage(now, deps);
      return { outcome: "discarded" };
    }
    return { outcome: "skipped", status: now?.status ?? "missing" };
  }
  // Removed from the product while we worked? The revision decides, whatever the status says.
  if (!(await isImageReferenced(deps.products, image))) {
    const now = await deps.images.find(image.id);
    if (now) await retireImage(now, deps);
    return { outcome: "discarded" };
  }
  deps.log.info({ imageId: image.id, derivatives: output.derivatives.length }, "image ready");
  const ready = await deps.images.find(image.id);
  if (ready?.status === "ready") await emitImageEvent("image.ready", ready, deps);
  const derivativeBytes: Record<string, number> = {};
  for (const { derivative } of output.derivatives) derivativeBytes[derivative.format] = (derivativeBytes[derivative.format] ?? 0) + derivative.bytes;
  return { outcome: "ready", derivatives: output.derivatives.length, format: image.format, sinceUploadMs: Date.now() - image.createdAt.getTime(), derivativeBytes };
}

async function readAndVerify(image: ImageRecord, deps: ProcessImageDeps, deadline: number): Promise<{ bytes: Buffer; decoded: DecodedImage }> {
  let bytes: Buffer | null;
  try {
    bytes = await deps.storage.getBuffer(image.key, MAX_STORED_ORIGINAL_BYTES);
  } catch (error) {
    if (error instanceof ObjectTooLargeError) throw new ImageRejection("corrupt", `stored object is larger than ${MAX_STORED_ORIGINAL_BYTES} bytes`);
    throw error;
  }
  if (bytes === null) throw new ImageRejection("empty", "no stored bytes for this image");
  if (bytes.length === 0) throw new ImageRejection("empty", "the file is empty");

  const sniffed = await sniffImageFormat(bytes);
  if (sniffed === null) throw new ImageRejection("not_an_image", "the bytes are not a PNG, JPEG or WebP image");
  if (sniffed !== image.format) throw new ImageRejection("type_mismatch", `the bytes are ${sniffed}, but the image was stored as ${image.format}`);
  if (sniffed === "jpeg") {
    const frame = readJpegFrame(bytes);
    const variant = frame ? unsupportedJpegVariant(frame) : null;
    if (variant) throw new ImageRejection("unsupported_variant", `${variant} is not supported`);
  }
  const defect = findContainerDefect(bytes, sniffed);
  if (defect) throw new ImageRejection("corrupt", defect);
  const decoded = await deps.codec.decode(bytes, deadline);
  if (decoded.format !== sniffed) throw new ImageRejection("corrupt", `the decoder reads ${decoded.format}, the signature says ${sniffed}`);
  // After the decode, which held the file to the pixel limit: this check inflates the image data.
  const paletteDefect = sniffed === "png" ? await findPaletteIndexDefect(bytes) : null;
  if (paletteDefect) throw new ImageRejection("corrupt", paletteDefect);
  return { bytes, decoded };
}

async function renderOutputs(image: ImageRecord, verified: { bytes: Buffer; decoded: DecodedImage }, deps: ProcessImageDeps, deadline: number) {
  const original = await cleanOriginal(verified.bytes, verified.decoded, deps.codec, deadline);
  const { pixels } = original;
  const derivatives: { derivative: Derivative; data: Buffer }[] = [];
  // One at a time: jobs already run in parallel. Every output comes from the one decode's pixels.
  for (const format of deps.settings.derivativeFormats) {
    for (const width of derivativeWidths(pixels.width, deps.settings.derivativeWidths)) {
      const rendered = await deps.codec.renderDerivative(pixels, width, format, deadline);
      const key = derivativeKey(image.companyId, image.productId, image.id, width, format);
      derivatives.push({
        derivative: { key, width: rendered.width, height: rendered.height, format, bytes: rendered.data.length, sha256: sha256(rendered.data) },
        data: rendered.data,
      });
    }
  }
  const summary = await deps.codec.summarize(pixels, deadline);
  return {
    original: original.data,
    width: original.width,
    height: original.height,
    derivatives,
    placeholder: thumbHashBase64(summary.rgba),
    dominantColor: toHexColor(summary.dominant),
  };
}

/**
 * The bytes to serve at the public URL: never with EXIF (GPS, serial numbers), XMP, IPTC, comments
 * or trailing payloads. An upright still image loses them at the container level, pixels untouched;
 * one that needs rotating, or an animation (only its first frame was decoded, so only that is
 * served), is re-encoded in its own format at high quality. Cleaning a cleaned file changes nothing.
 */
async function cleanOriginal(bytes: Buffer, decoded: DecodedImage, codec: ImageCodec, deadline: number) {
  if (decoded.orientation === 1 && decoded.pages === 1) {
    const stripped = stripMetadata(bytes, decoded.format);
    // The strippers copy every pixel-bearing segment or chunk verbatim, so the stripped file
    // decodes to the pixels just verified as long as its structure holds: the decoder's own header
    // parse must see the same format and shape, and it is not decoded a second time. A file that
    // had nothing to strip comes back as itself: those are the bytes just decoded.
    if (stripped && (stripped === bytes || (await keepsShape(bytes, stripped, decoded, codec, deadline)))) {
      return { data: stripped, width: decoded.width, height: decoded.height, pixels: decoded.pixels };
    }
  }
  const lossless = decoded.format === "png" || (decoded.format === "webp" && isLosslessWebp(bytes));
  const reencoded = await codec.reencodeOriginal(decoded.pixels, decoded.format, { lossless }, deadline);
  // Derivatives come from what is served, so that a retry (which starts from the re-encoded file)
  // renders the same bytes: the one case that decodes twice, and only for rotated or animated files.
  const served = await codec.decode(reencoded.data, deadline);
  return { ...reencoded, pixels: served.pixels };
}

async function keepsShape(original: Buffer, stripped: Buffer, decoded: DecodedImage, codec: ImageCodec, deadline: number): Promise<boolean> {
  const check = await codec.inspect(stripped, deadline).catch((error: unknown) => {
    if (error instanceof ImageRejection && error.reason !== "timeout") return null;
    throw error;
  });
  if (!check) return false;
  const same = check.format === decoded.format && check.width === decoded.width && check.height === decoded.height && check.orientation === 1 && check.pages === 1;
  return same && (decoded.format !== "jpeg" || sameJpegFrame(original, stripped));
}

/** The frame header (coding process, precision, components) survived the cut unchanged. */
function sameJpegFrame(original: Buffer, stripped: Buffer): boolean {
  const [before, after] = [readJpegFrame(original), readJpegFrame(stripped)];
  return before !== null && after !== null && before.marker === after.marker && before.precision === after.precision && before.components === after.components;
}

/** Takes the image out of its product, deletes its objects, then records the verdict. */
async function rejectImage(image: ImageRecord, rejection: ImageRejection, deps: ProcessImageDeps): Promise<ProcessImageResult> {
  await removeImageFromProduct(deps.products, image);
  await deleteImageObjects(deps.storage, image, deps.settings);
  const marked = await deps.images.markRejected(image.id, rejection.reason, rejection.message);
  if (!marked) {
    // Removed by its owner meanwhile: the objects are already gone, so finish that path too.
    await deps.images.transition(image.id, ["removed"], "deleted");
  }
  deps.log.warn({ imageId: image.id, reason: rejection.reason, detail: rejection.message }, "image rejected");
  const rejected = marked ? await deps.images.find(image.id) : null;
  if (rejected?.status === "rejected") await emitImageEvent("image.rejected", rejected, deps);
  return { outcome: "rejected", reason: rejection.reason, format: image.format, sinceUploadMs: Date.now() - image.createdAt.getTime() };
}

function sha256(data: Buffer): string {
  return hash("sha256", data, "hex");
}
