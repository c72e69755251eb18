import { AppError, type ImageEntry, isObjectId, newObjectId, type Product, type ProductRepository, type Transferable } from "@ingest/shared";
import type { SqliteDatabase } from "./sqlite-database.ts";

interface ProductRow {
  id: string;
  company_id: string;
  version: number;
  name: string;
  sku: string | null;
  images: string;
  created_at: number;
  updated_at: number;
}

/** Every statement this repository runs, by name (the query-plan test checks each uses a key or an index). */
export const PRODUCT_QUERIES = {
  // products primary key; company_id is checked on the row.
  find: "SELECT * FROM products WHERE id = ? AND company_id = ? AND deleted_at IS NULL",
  // products_live_by_company: equality on company_id, range and order on id.
  list: "SELECT * FROM products WHERE company_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
  insert:
    "INSERT INTO products (id, company_id, version, name, sku, images, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING",
  update: "UPDATE products SET version = ?, name = ?, sku = ?, images = ?, updated_at = ? WHERE id = ? AND version = ?",
  delete: "UPDATE products SET version = ?, updated_at = ?, deleted_at = ? WHERE id = ? AND version = ?",
  // products primary key.
  transferRead: "SELECT * FROM products WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
} as const;

/** Sorts before every id we hand out, so "after nothing" needs no second statement. */
const BEFORE_ALL = "";

/**
 * One row per product. A change reads, decides and writes inside one BEGIN IMMEDIATE
 * transaction: the write lock is held from the read on, so the cap check and the append are one
 * atomic step, across processes too. `version` still counts every change (it is the ETag).
 */
export function createSqliteProductRepository(db: SqliteDatabase): ProductRepository & { readonly transfer: Transferable<Product> } {
  const findRow = (companyId: string, productId: string) => db.get<ProductRow>(PRODUCT_QUERIES.find, productId, companyId);
  const insert = (product: Product) =>
    db.run(
      PRODUCT_QUERIES.insert,
      product.id,
      product.companyId,
      product.version,
      product.name,
      product.sku,
      JSON.stringify(product.images),
      product.createdAt.getTime(),
      product.updatedAt.getTime(),
    );

  return {
    async create(companyId, fields) {
      const now = new Date();
      const product: Product = { id: newObjectId(now), companyId, name: fields.name, sku: fields.sku, images: [...fields.images], version: 1, createdAt: now, updatedAt: now };
      if (insert(product) !== 1) throw new Error(`product id ${product.id} is taken`); // 64 random bits: never, in practice
      return product;
    },

    async find(companyId, productId) {
      if (!isObjectId(productId)) return null;
      const row = findRow(companyId, productId);
      return row ? toProduct(row) : null;
    },

    async list(companyId, { after, limit }) {
      const rows = db.all<ProductRow>(PRODUCT_QUERIES.list, companyId, after && isObjectId(after) ? after : BEFORE_ALL, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { products: page.map(toProduct), nextCursor: rows.length > limit && last ? last.id : null };
    },

    async change(companyId, productId, decide) {
      if (!isObjectId(productId)) throw new AppError("product_not_found", "Product not found");
      return db.immediate(() => {
        const row = findRow(companyId, productId);
        if (!row) throw new AppError("product_not_found", "Product not found");
        const previous = toProduct(row);
        const { change, result } = decide(previous);
        if (change === null) return { previous, product: previous, result };
        const now = Date.now();
        const version = previous.version + 1;
        if (change.kind === "delete") {
          db.run(PRODUCT_QUERIES.delete, version, now, now, productId, previous.version);
          return { previous, product: previous, result };
        }
        const { name, sku, images } = change.fields;
        db.run(PRODUCT_QUERIES.update, version, name, sku, JSON.stringify(images), now, productId, previous.version);
        return { previous, product: { ...previous, name, sku, images: [...images], version, updatedAt: new Date(now) }, result };
      });
    },

    transfer: {
      async read(afterId, limit) {
        return db.all<ProductRow>(PRODUCT_QUERIES.transferRead, afterId ?? BEFORE_ALL, limit).map(toProduct);
      },
      async write(items) {
        return db.immediate(() => items.reduce((fresh, product) => fresh + insert(product), 0));
      },
    },
  };
}

function toProduct(row: ProductRow): Product {
  const images = (JSON.parse(row.images) as ImageEntry[]).map((entry) => (entry.imageId ? { url: entry.url, imageId: entry.imageId } : { url: entry.url }));
  return {
    id: row.id,
    companyId: row.company_id,
    name: row.name,
    sku: row.sku,
    images,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
