import type { Collection, Db, Filter } from "mongodb";
import type { Derivative, ImageRecord, ImageStatus, RejectionReason } from "./image.types.ts";

type ImageDoc = Omit<ImageRecord, "id"> & { _id: string };

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
  ensureIndexes(): Promise<void>;
}

export function createImageRepository(db: Db): ImageRepository {
  const images: Collection<ImageDoc> = db.collection("images");

  async function setIf(imageId: string, from: readonly ImageStatus[], fields: Partial<ImageDoc>): Promise<boolean> {
    const filter: Filter<ImageDoc> = { _id: imageId, status: { $in: [...from] } };
    const result = await images.updateOne(filter, { $set: { ...fields, updatedAt: new Date() } });
    return result.modifiedCount === 1;
  }

  return {
    async ensureIndexes() {
      await images.createIndex({ status: 1, updatedAt: 1 }, { name: "status_updated" });
      await images.createIndex({ companyId: 1, productId: 1 }, { name: "company_product" });
    },

    async insertStaged(image) {
      const now = new Date();
      const doc: ImageDoc = {
        _id: image.id,
        companyId: image.companyId,
        productId: image.productId,
        key: image.key,
        url: image.url,
        format: image.format,
        contentType: image.contentType,
        bytes: image.bytes,
        sha256: image.sha256,
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
      await images.insertOne(doc);
      return toRecord(doc);
    },

    async find(imageId) {
      const doc = await images.findOne({ _id: imageId });
      return doc ? toRecord(doc) : null;
    },

    async findForProduct(companyId, productId) {
      const docs = await images.find({ companyId, productId }).sort({ createdAt: 1 }).toArray();
      return docs.map(toRecord);
    },

    async findListed(companyId, productId, imageIds, rejectedSince) {
      const docs = await images
        .find({
          companyId,
          productId,
          $or: [{ _id: { $in: [...imageIds] } }, { status: "rejected", updatedAt: { $gte: rejectedSince } }],
        })
        .sort({ createdAt: 1 })
        .toArray();
      return docs.map(toRecord);
    },

    transition(imageId, from, to) {
      return setIf(imageId, from, { status: to });
    },

    markReady(imageId, processed) {
      return setIf(imageId, ["processing"], { status: "ready", ...processed, derivatives: [...processed.derivatives] });
    },

    markRejected(imageId, reason, detail) {
      return setIf(imageId, ["staged", "processing"], {
        status: "rejected",
        rejectionReason: reason,
        rejectionDetail: detail.slice(0, 500),
        derivatives: [],
      });
    },

    async findStale(status, before, limit) {
      const docs = await images
        .find({ status, updatedAt: { $lt: before } })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toRecord);
    },

    async findAfter(statuses, afterId, limit) {
      const filter: Filter<ImageDoc> = { status: { $in: [...statuses] }, ...(afterId === null ? {} : { _id: { $gt: afterId } }) };
      const docs = await images.find(filter).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map(toRecord);
    },
  };
}

function toRecord({ _id, ...rest }: ImageDoc): ImageRecord {
  return { id: _id, ...rest, derivatives: rest.derivatives ?? [] };
}
