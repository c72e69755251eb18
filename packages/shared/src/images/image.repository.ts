import type { Derivative, ImageRecord, ImageStatus, RejectionReason } from "./image.types.ts";

/** The port of the image ledger (SQLite and MongoDB adapters live in @ingest/store). */

export type NewImage = Pick<ImageRecord, "id" | "companyId" | "productId" | "key" | "url" | "format" | "contentType" | "bytes" | "sha256">;

export interface ProcessedImage {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly placeholder: string;
  readonly dominantColor: string;
  readonly derivatives: readonly Derivative[];
}

/** Statuses that are not final: the open work reconciliation looks at, found through an index. */
export const OPEN_IMAGE_STATUSES = ["staged", "processing", "removed"] as const satisfies readonly ImageStatus[];

/** The record of a new intent: `staged`, nothing known yet beyond what the upload read. */
export function newStagedRecord(image: NewImage, now: Date): ImageRecord {
  return {
    ...image,
    status: "staged",
    rejectionReason: null,
    rejectionDetail: null,
    width: null,
    height: null,
    placeholder: null,
    dominantColor: null,
    derivatives: [],
    createdAt: now,
    updatedAt: now,
  };
}

export interface ImageRepository {
  /** Records the intent to store an image, before any byte is written. */
  insertStaged(image: NewImage): Promise<ImageRecord>;
  find(imageId: string): Promise<ImageRecord | null>;
  /** Every record a product ever had, deleted ones included, oldest first (audits, tests). */
  findForProduct(companyId: string, productId: string): Promise<ImageRecord[]>;
  /** What a status listing reads: the records of `imageIds`, and the product's images rejected since `rejectedSince`. */
  findListed(companyId: string, productId: string, imageIds: readonly string[], rejectedSince: Date): Promise<ImageRecord[]>;
  /** Moves an image to `to` only if it is in one of `from`; returns whether it moved. */
  transition(imageId: string, from: readonly ImageStatus[], to: ImageStatus): Promise<boolean>;
  markReady(imageId: string, processed: ProcessedImage): Promise<boolean>;
  markRejected(imageId: string, reason: RejectionReason, detail: string): Promise<boolean>;
  /** Images in a status whose last change is older than `before`, oldest first. */
  findStale(status: ImageStatus, before: Date, limit: number): Promise<ImageRecord[]>;
  /**
   * Images in one of `statuses` whose id sorts after `afterId` (null: from the start), in id
   * order: lets an audit walk the whole ledger a bounded batch at a time.
   */
  findAfter(statuses: readonly ImageStatus[], afterId: string | null, limit: number): Promise<ImageRecord[]>;
}
