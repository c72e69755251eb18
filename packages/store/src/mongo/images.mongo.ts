import { type ImageRecord, type ImageRepository, type ImageStatus, newStagedRecord, type Transferable } from "@ingest/shared";
import type { Collection, Db, Filter } from "mongodb";
import { insertNew } from "./insert-new.ts";

type ImageDoc = Omit<ImageRecord, "id"> & { _id: string };

export async function ensureImageIndexes(db: Db): Promise<void> {
  const images = db.collection("images");
  await images.createIndex({ status: 1, updatedAt: 1 }, { name: "status_updated" });
  await images.createIndex({ status: 1, _id: 1 }, { name: "status_id" });
  await images.createIndex({ companyId: 1, productId: 1, createdAt: 1 }, { name: "company_product_created" });
}

export function createMongoImageRepository(db: Db): ImageRepository & { readonly transfer: Transferable<ImageRecord> } {
  const images: Collection<ImageDoc> = db.collection("images");

  /** Served by _id; the status condition is checked on the one document. */
  async function setIf(imageId: string, from: readonly ImageStatus[], fields: Partial<ImageDoc>): Promise<boolean> {
    const filter: Filter<ImageDoc> = { _id: imageId, status: { $in: [...from] } };
    const result = await images.updateOne(filter, { $set: { ...fields, updatedAt: new Date() } });
    return result.modifiedCount === 1;
  }

  return {
    async insertStaged(image) {
      const { id, ...rest } = newStagedRecord(image, new Date());
      const doc: ImageDoc = { _id: id, ...rest, derivatives: [] };
      await images.insertOne(doc);
      return toRecord(doc);
    },

    async find(imageId) {
      const doc = await images.findOne({ _id: imageId });
      return doc ? toRecord(doc) : null;
    },

    async findForProduct(companyId, productId) {
      // company_product_created: equality on both, order on createdAt.
      const docs = await images.find({ companyId, productId }).sort({ createdAt: 1 }).toArray();
      return docs.map(toRecord);
    },

    async findListed(companyId, productId, imageIds, rejectedSince) {
      // company_product_created bounds the read to this product's records.
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
      // status_updated: equality on status, range and order on updatedAt.
      const docs = await images
        .find({ status, updatedAt: { $lt: before } })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toRecord);
    },

    async findAfter(statuses, afterId, limit) {
      // status_id: $in on status, range and order on _id.
      const filter: Filter<ImageDoc> = { status: { $in: [...statuses] }, ...(afterId === null ? {} : { _id: { $gt: afterId } }) };
      const docs = await images.find(filter).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map(toRecord);
    },

    transfer: {
      async read(afterId, limit) {
        const docs = await images
          .find(afterId === null ? {} : { _id: { $gt: afterId } })
          .sort({ _id: 1 })
          .limit(limit)
          .toArray();
        return docs.map(toRecord);
      },
      async write(items) {
        const fresh = await insertNew(
          images,
          items.map(({ id, ...rest }) => ({ _id: id, ...rest, derivatives: rest.derivatives.map((derivative) => ({ ...derivative })) })),
        );
        return fresh.length;
      },
    },
  };
}

function toRecord({ _id, ...rest }: ImageDoc): ImageRecord {
  return { id: _id, ...rest, derivatives: rest.derivatives ?? [] };
}
