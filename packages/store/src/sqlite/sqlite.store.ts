import { resolve } from "node:path";
import { DEFAULT_DURABILITY, type Durability, type Store } from "@ingest/shared";
import { createSqliteCredentialRepository } from "./credentials.sqlite.ts";
import { createSqliteIdempotencyRepository } from "./idempotency.sqlite.ts";
import { createSqliteImageRepository } from "./images.sqlite.ts";
import { migrate } from "./migrations.ts";
import { createSqliteProductRepository } from "./products.sqlite.ts";
import { openSqliteDatabase } from "./sqlite-database.ts";
import { createSqliteWebhookRepository } from "./webhooks.sqlite.ts";

/**
 * The embedded store (Node's built-in node:sqlite): one file, no server, for one machine. Every
 * query is on a primary key or an index (see packages/store/README.md).
 */
export async function openSqliteStore(path: string, options: { durability: Durability } = { durability: DEFAULT_DURABILITY }): Promise<Store> {
  const absolute = path === ":memory:" ? path : resolve(path);
  const db = openSqliteDatabase(absolute, options);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const products = createSqliteProductRepository(db);
  const images = createSqliteImageRepository(db);
  const credentials = createSqliteCredentialRepository(db);
  const idempotency = createSqliteIdempotencyRepository(db);
  const webhooks = createSqliteWebhookRepository(db);
  let open = true;
  return {
    kind: "sqlite",
    description: `SQLite ${absolute}`,
    repositories: { products, images, credentials, idempotency, webhooks },
    transfer: { ...credentials.transfer, products: products.transfer, images: images.transfer, webhookEndpoints: webhooks.transfer },
    async ping() {
      if (!open) throw new Error("the SQLite store is closed");
      db.get("SELECT 1 AS ok FROM schema_migrations LIMIT 1");
    },
    async close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
