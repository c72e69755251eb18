import { type Derivative, type ImageRecord, type ImageRepository, type ImageStatus, newStagedRecord, type Transferable } from "@ingest/shared";
import type { SqliteDatabase } from "./sqlite-database.ts";

interface ImageRow {
  id: string;
  company_id: string;
  product_id: string;
  key: string;
  url: string;
  format: ImageRecord["format"];
  content_type: string;
  bytes: number;
  sha256: string | null;
  status: ImageStatus;
  rejection_reason: ImageRecord["rejectionReason"];
  rejection_detail: string | null;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  dominant_color: string | null;
  derivatives: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  "id, company_id, product_id, key, url, format, content_type, bytes, sha256, status, rejection_reason, rejection_detail, width, height, placeholder, dominant_color, derivatives, created_at, updated_at";

/** Every statement this repository runs, by name (the query-plan test checks each uses a key or an index). */
export const IMAGE_QUERIES = {
  insert: `INSERT INTO images (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  // images primary key.
  find: "SELECT * FROM images WHERE id = ?",
  // images_by_product: equality on company_id and product_id, order on created_at.
  forProduct: "SELECT * FROM images WHERE company_id = ? AND product_id = ? ORDER BY created_at",
  listed:
    "SELECT * FROM images WHERE company_id = ? AND product_id = ? AND (id IN (SELECT value FROM json_each(?)) OR (status = 'rejected' AND updated_at >= ?)) ORDER BY created_at",
  // Primary key; the status condition is checked on the one row.
  transition: "UPDATE images SET status = ?, updated_at = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?))",
  ready:
    "UPDATE images SET status = 'ready', width = ?, height = ?, bytes = ?, sha256 = ?, placeholder = ?, dominant_color = ?, derivatives = ?, updated_at = ? WHERE id = ? AND status = 'processing'",
  rejected:
    "UPDATE images SET status = 'rejected', rejection_reason = ?, rejection_detail = ?, derivatives = '[]', updated_at = ? WHERE id = ? AND status IN ('staged', 'processing')",
  // images_by_status_age: equality on status, range and order on updated_at.
  stale: "SELECT * FROM images WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?",
  // images_by_status_id: equality on status, range and order on id.
  after: "SELECT * FROM images WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
  // Primary key.
  transferRead: "SELECT * FROM images WHERE id > ? ORDER BY id LIMIT ?",
} as const;

const BEFORE_ALL = "";

export function createSqliteImageRepository(db: SqliteDatabase): ImageRepository & { readonly transfer: Transferable<ImageRecord> } {
  const insert = (image: ImageRecord) =>
    db.run(
      IMAGE_QUERIES.insert,
      image.id,
      image.companyId,
      image.productId,
      image.key,
      image.url,
      image.format,
      image.contentType,
      image.bytes,
      image.sha256,
      image.status,
      image.rejectionReason,
      image.rejectionDetail,
      image.width,
      image.height,
      image.placeholder,
      image.dominantColor,
      JSON.stringify(image.derivatives),
      image.createdAt.getTime(),
      image.updatedAt.getTime(),
    );
  const find = (imageId: string) => {
    const row = db.get<ImageRow>(IMAGE_QUERIES.find, imageId);
    return row ? toRecord(row) : null;
  };

  return {
    async insertStaged(image) {
      const record = newStagedRecord(image, new Date());
      if (insert(record) !== 1) throw new Error(`image id ${image.id} is taken`);
      return record;
    },

    async find(imageId) {
      return find(imageId);
    },

    async findForProduct(companyId, productId) {
      return db.all<ImageRow>(IMAGE_QUERIES.forProduct, companyId, productId).map(toRecord);
    },

    async findListed(companyId, productId, imageIds, rejectedSince) {
      return db.all<ImageRow>(IMAGE_QUERIES.listed, companyId, productId, JSON.stringify(imageIds), rejectedSince.getTime()).map(toRecord);
    },

    async transition(imageId, from, to) {
      return db.run(IMAGE_QUERIES.transition, to, Date.now(), imageId, JSON.stringify(from)) === 1;
    },

    async markReady(imageId, p) {
      return db.run(IMAGE_QUERIES.ready, p.width, p.height, p.bytes, p.sha256, p.placeholder, p.dominantColor, JSON.stringify(p.derivatives), Date.now(), imageId) === 1;
    },

    async markRejected(imageId, reason, detail) {
      return db.run(IMAGE_QUERIES.rejected, reason, detail.slice(0, 500), Date.now(), imageId) === 1;
    },

    async findStale(status, before, limit) {
      return db.all<ImageRow>(IMAGE_QUERIES.stale, status, before.getTime(), limit).map(toRecord);
    },

    async findAfter(statuses, afterId, limit) {
      // One indexed range per status, merged: an IN over several statuses would sort them all.
      const rows = statuses.flatMap((status) => db.all<ImageRow>(IMAGE_QUERIES.after, status, afterId ?? BEFORE_ALL, limit));
      return rows
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map(toRecord);
    },

    transfer: {
      async read(afterId, limit) {
        return db.all<ImageRow>(IMAGE_QUERIES.transferRead, afterId ?? BEFORE_ALL, limit).map(toRecord);
      },
      async write(items) {
        return db.immediate(() => items.reduce((fresh, image) => fresh + insert(image), 0));
      },
    },
  };
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    companyId: row.company_id,
    productId: row.product_id,
    key: row.key,
    url: row.url,
    format: row.format,
    contentType: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
    status: row.status,
    rejectionReason: row.rejection_reason,
    rejectionDetail: row.rejection_detail,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    dominantColor: row.dominant_color,
    derivatives: JSON.parse(row.derivatives) as Derivative[],
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
