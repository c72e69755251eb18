import type { Store } from "@ingest/shared";
import { connectMongo, pingMongo } from "./mongo-client.ts";
import { createMongoCredentialRepository, ensureCredentialIndexes } from "./credentials.mongo.ts";
import { createMongoIdempotencyRepository, ensureIdempotencyIndexes } from "./idempotency.mongo.ts";
import { createMongoImageRepository, ensureImageIndexes } from "./images.mongo.ts";
import { createMongoProductRepository, ensureProductIndexes } from "./products.mongo.ts";
import { createMongoWebhookRepository, ensureWebhookIndexes } from "./webhooks.mongo.ts";

/**
 * The MongoDB adapter: for production and for more than one machine. Every query it makes is
 * served by an index on MongoDB (see packages/store/README.md); it relies only on what FerretDB
 * also enforces atomically (unique indexes), so the tests run it on FerretDB.
 */
export async function openMongoStore(url: string, dbName: string, timeoutMs?: number): Promise<Store> {
  const connection = await connectMongo(url, dbName, { timeoutMs });
  try {
    await ensureProductIndexes(connection.db);
    await ensureImageIndexes(connection.db);
    await ensureCredentialIndexes(connection.db);
    await ensureIdempotencyIndexes(connection.db);
    await ensureWebhookIndexes(connection.db);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const products = createMongoProductRepository(connection.db);
  const images = createMongoImageRepository(connection.db);
  const credentials = createMongoCredentialRepository(connection.db);
  const idempotency = createMongoIdempotencyRepository(connection.db);
  const webhooks = createMongoWebhookRepository(connection.db);
  return {
    kind: "mongodb",
    description: `MongoDB protocol at ${describeUrl(url)}, database ${dbName}`,
    repositories: { products, images, credentials, idempotency, webhooks },
    transfer: { ...credentials.transfer, products: products.transfer, images: images.transfer, webhookEndpoints: webhooks.transfer },
    ping: () => pingMongo(connection.db),
    close: () => connection.close(),
  };
}

/** host:port only: a URL may carry credentials. */
function describeUrl(url: string): string {
  try {
    return new URL(url).host || url.replace(/\/\/[^@/]*@/, "//");
  } catch {
    return "(unparsable URL)";
  }
}
