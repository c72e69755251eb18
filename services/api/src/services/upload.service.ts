import {
  CONTENT_TYPE_BY_FORMAT,
  type IdempotencyClaim,
  type IdempotencyResponse,
  type ImageFormat,
  type ImageRepository,
  imageJob,
  imageUrlsOf,
  isAppError,
  isDependencyUnavailable,
  type JobQueue,
  MAX_IMAGES_PER_PRODUCT,
  newObjectId,
  originalKey,
  type Product,
  type ProductRepository,
  publicUrl,
  type Storage,
  sniffImageFormat,
} from "@ingest/shared";
import type { FastifyBaseLogger } from "fastify";
import type { Principal } from "../auth/principal.ts";
import { emptyFile, fileTooLarge, imageCapReached, noFile, productNotFound, unsupportedType, uploadsBusy } from "../errors/upload-errors.ts";
import type { Admission } from "./admission.ts";
import { enqueueWithin } from "./enqueue-within.ts";
import { REVALIDATE } from "./file-cache.ts";
import type { UploadIdempotency } from "./upload-idempotency.ts";
import type { ReceivedFile, UploadSource } from "./upload.types.ts";

/** 5 MiB of file content is accepted; one byte more is 413. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Room for multipart framing and a few short fields around a file at the limit. */
const MULTIPART_ALLOWANCE = 1024 * 1024;
/**
 * Declared part types let through to sniffing. busboy reports a part that declares no type as
 * text/plain, so text/plain stands for "none" here; the bytes decide either way.
 */
const ACCEPTED_DECLARED_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/webp",
  // Names that clients send for formats we take: browsers declare .apng files image/apng, and
  // older tools say image/jpg, image/pjpeg (progressive JPEG) or image/x-png.
  "image/apng",
  "image/jpg",
  "image/pjpeg",
  "image/x-png",
  "application/octet-stream",
  "text/plain",
]);

export interface UploadResult {
  readonly imageUrl: string;
  readonly imageUrls: string[];
  readonly imageId: string;
  readonly status: "processing";
  readonly version: number;
}

/** A new upload's result, or (with an Idempotency-Key seen before) the first answer again. */
export type UploadOutcome =
  | { readonly replayed: false; readonly result: UploadResult }
  | { readonly replayed: true; readonly response: IdempotencyResponse };

export interface UploadService {
  upload(principal: Principal, productId: string, source: UploadSource, log: FastifyBaseLogger, idempotencyKey?: string): Promise<UploadOutcome>;
}

export function createUploadService(deps: {
  readonly products: ProductRepository;
  readonly images: ImageRepository;
  readonly storage: Storage;
  readonly queue: JobQueue;
  readonly admission: Admission;
  readonly idempotency: UploadIdempotency;
  readonly publicBaseUrl: string;
  readonly enqueueTimeoutMs: number;
  /** This process's spool folder (prepareSpoolDir). */
  readonly spoolDir: string;
}): UploadService {
  const { products, images, storage } = deps;

  /** Everything that can be refused before the body is read, is. */
  async function admit(principal: Principal, productId: string, source: UploadSource, idempotencyKey: string | undefined): Promise<{ product: Product; release: () => void }> {
    if (!source.isMultipart) throw noFile();
    const product = await products.find(principal.companyId, productId);
    if (!product) throw productNotFound();
    // A repeat of a key already used must reach its replay even if the first upload filled the product.
    const repeat = idempotencyKey !== undefined && (await deps.idempotency.hasLive(principal.companyId, idempotencyKey));
    if (!repeat && product.images.length >= MAX_IMAGES_PER_PRODUCT) throw imageCapReached();
    if (source.declaredLength !== null && source.declaredLength > MAX_FILE_BYTES + MULTIPART_ALLOWANCE) throw fileTooLarge();
    const admit = deps.admission.tryAcquire(principal);
    if (!admit.admitted) throw uploadsBusy(1);
    return { product, release: admit.release };
  }

  /**
   * The ledger entry comes first, so no stored byte is ever unknown to the database; the
   * append is the commit point. Before it, any failure deletes what was staged.
   */
  async function commit(product: Product, file: ReceivedFile, format: ImageFormat, log: FastifyBaseLogger, imageId = newObjectId()): Promise<UploadResult> {
    const key = originalKey(product.companyId, product.id, imageId, format);
    const url = publicUrl(deps.publicBaseUrl, key);
    const contentType = CONTENT_TYPE_BY_FORMAT[format];
    await images.insertStaged({ id: imageId, companyId: product.companyId, productId: product.id, key, url, format, contentType, bytes: file.body.size, sha256: file.body.sha256 });

    let appended: Product;
    let stored = false;
    try {
      // Until the worker has rewritten it without metadata, no cache (CDN or bucket) may keep it.
      await storage.put(key, file.body, { contentType, cacheControl: REVALIDATE });
      stored = true;
      appended = await append(product, { url, imageId });
    } catch (error) {
      // A refusal (cap, product gone) or a failed write is certain; a database error mid-append is not.
      const outcomeKnown = !stored || isAppError(error);
      const actuallyAppended = outcomeKnown ? null : await findAppended(product, imageId, log);
      if (actuallyAppended === undefined) throw error;
      if (actuallyAppended === null) {
        // A storage that did not answer the write will not answer a delete now either: the
        // record goes `removed` at once and reconciliation deletes whatever the write left.
        if (!stored && isDependencyUnavailable(error)) await images.transition(imageId, ["staged"], "removed").catch(() => false);
        else await discard(imageId, key, log);
        throw error;
      }
      appended = actuallyAppended;
    }

    // Committed. From here on nothing fails the request: reconciliation re-enqueues an image
    // still `processing` with no live job (Redis was down), or still `staged` but referenced.
    const processing = await images.transition(imageId, ["staged"], "processing").catch((error: unknown) => {
      log.warn({ err: error, imageId }, "could not mark the image processing; reconciliation will");
      return false;
    });
    if (processing) {
      const job = imageJob({ id: imageId, companyId: product.companyId, productId: product.id });
      await enqueueWithin(deps.queue, "process-image", job, { timeoutMs: deps.enqueueTimeoutMs, log });
    }
    return { imageUrl: url, imageUrls: imageUrlsOf(appended), imageId, status: "processing", version: appended.version };
  }

  async function append(product: Product, entry: { url: string; imageId: string }): Promise<Product> {
    const outcome = await products.change(product.companyId, product.id, (current) => {
      // The early check was a courtesy; this one, on the state the write is based on, is the cap.
      if (current.images.length >= MAX_IMAGES_PER_PRODUCT) throw imageCapReached();
      const fields = { name: current.name, sku: current.sku, images: [...current.images, entry] };
      return { change: { kind: "update", fields }, result: null };
    });
    return outcome.product;
  }

  /**
   * After a database error mid-append: the product if it holds the image after all, null if it
   * does not, undefined if we cannot tell — then the ledger entry stays `staged` and
   * reconciliation settles it from the product's state.
   */
  async function findAppended(product: Product, imageId: string, log: FastifyBaseLogger): Promise<Product | null | undefined> {
    try {
      const current = await products.find(product.companyId, product.id);
      return current?.images.some((entry) => entry.imageId === imageId) ? current : null;
    } catch {
      log.warn({ imageId }, "append outcome unknown; leaving the staged image to reconciliation");
      return undefined;
    }
  }

  /** Deletes a staged object and closes its ledger entry; what fails here, reconciliation redoes. */
  async function discard(imageId: string, key: string, log: FastifyBaseLogger): Promise<void> {
    try {
      await storage.delete([key]);
      await images.transition(imageId, ["staged"], "deleted");
    } catch (error) {
      log.warn({ err: error, imageId }, "could not discard a staged image now; reconciliation will");
      await images.transition(imageId, ["staged"], "removed").catch(() => false);
    }
  }

  return {
    async upload(principal, productId, source, log, idempotencyKey) {
      const { product, release } = await admit(principal, productId, source, idempotencyKey);
      let claim: IdempotencyClaim | undefined;
      try {
        const file = await source.readFile({
          maxBytes: MAX_FILE_BYTES,
          spoolDir: deps.spoolDir,
          // Only a fingerprint reads it: the worker records the sha256 of the original it serves.
          sha256: idempotencyKey !== undefined,
          acceptsDeclaredType: (type) => ACCEPTED_DECLARED_TYPES.has(type),
        });
        try {
          if (file.body.size === 0) throw emptyFile();
          if (idempotencyKey !== undefined) {
            const decision = await deps.idempotency.decide(principal.companyId, idempotencyKey, product.id, hashOf(file), log);
            if (decision.kind === "replay") return { replayed: true, response: decision.response };
            claim = decision.claim;
          }
          const format = await sniffImageFormat(file.body.head);
          if (format === null) throw unsupportedType();
          const result = await commit(product, file, format, log, claim?.imageId);
          if (claim) await deps.idempotency.complete(claim, result, log);
          return { replayed: false, result };
        } finally {
          await file.body.discard();
        }
      } catch (error) {
        // A 4xx is not stored: the caller may fix the request and retry with the same key.
        if (claim) await deps.idempotency.abandon(claim, log);
        throw error;
      } finally {
        release();
      }
    },
  };
}

/** The sha256 the spool was asked for. */
function hashOf(file: ReceivedFile): string {
  if (file.body.sha256 === null) throw new Error("the upload was spooled without its sha256");
  return file.body.sha256;
}
