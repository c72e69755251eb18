import { type Derivative, derivativeKey, generateApiKey, type ImageRecord, newObjectId, originalKey, type Product, publicUrl, type Store } from "@ingest/shared";

export const IMAGES_PER_PRODUCT = 10;
const BATCH = 1_000;
const COMPANIES = 50;

export interface Seeded {
  /** One API key per company, by company id. */
  readonly keys: ReadonlyMap<string, string>;
  /** Some seeded products to read, with their company. */
  readonly sample: readonly { companyId: string; productId: string }[];
}

/**
 * Grows the ledger to `total` ready images (with their derivatives) across many products and
 * companies, written through the store's own transfer port in batches: the data a long-lived
 * deployment accumulates, without a year of uploads.
 */
export async function seedImages(store: Store, from: number, total: number, baseUrl: string, keys: Map<string, string>): Promise<Seeded> {
  const { credentials } = store.repositories;
  for (let c = 0; c < COMPANIES; c++) {
    const companyId = `bench-co-${c}`;
    if (keys.has(companyId)) continue;
    await credentials.createCompany(companyId, `Bench ${c}`);
    const { key, lookupId, hash } = generateApiKey();
    await credentials.insertApiKey({ lookupId, companyId, name: "bench", hash, scopes: ["products:read", "products:write"] });
    keys.set(companyId, key);
  }

  const sample: { companyId: string; productId: string }[] = [];
  const monthAgo = Date.now() - 30 * 86_400_000;
  for (let start = from; start < total; start += BATCH) {
    const products: Product[] = [];
    const images: ImageRecord[] = [];
    for (let n = start; n < Math.min(total, start + BATCH); n += IMAGES_PER_PRODUCT) {
      const at = new Date(monthAgo + (n / total) * 29 * 86_400_000);
      const companyId = `bench-co-${(n / IMAGES_PER_PRODUCT) % COMPANIES}`;
      const productId = newObjectId(at);
      const entries = [];
      for (let i = 0; i < IMAGES_PER_PRODUCT; i++) {
        const image = readyImage(companyId, productId, newObjectId(at), at, baseUrl);
        images.push(image);
        entries.push({ url: image.url, imageId: image.id });
      }
      products.push({ id: productId, companyId, name: `Product ${n}`, sku: null, images: entries, version: 1 + IMAGES_PER_PRODUCT, createdAt: at, updatedAt: at });
      if (sample.length < 500 && n % 7 === 0) sample.push({ companyId, productId });
    }
    await store.transfer.products.write(products);
    await store.transfer.images.write(images);
  }
  return { keys, sample };
}

function readyImage(companyId: string, productId: string, id: string, at: Date, baseUrl: string): ImageRecord {
  const key = originalKey(companyId, productId, id, "jpeg");
  const derivatives: Derivative[] = [320, 640, 1280, 1920].map((width) => ({
    key: derivativeKey(companyId, productId, id, width, "webp"),
    width,
    height: Math.round((width * 3) / 4),
    format: "webp",
    bytes: width * 40,
    sha256: "ab".repeat(32),
  }));
  return {
    id,
    companyId,
    productId,
    key,
    url: publicUrl(baseUrl, key),
    format: "jpeg",
    contentType: "image/jpeg",
    bytes: 1_000_000,
    status: "ready",
    rejectionReason: null,
    rejectionDetail: null,
    width: 2048,
    height: 1536,
    sha256: "cd".repeat(32),
    placeholder: "VloDBYCIh4h3d3dwd4d3gId4gHgI",
    dominantColor: "#c81828",
    derivatives,
    createdAt: at,
    updatedAt: at,
  };
}

/** Open work: `count` images left `processing` an hour ago (as after a Redis outage), on products that list them. */
export async function seedOpenIntents(store: Store, count: number, baseUrl: string): Promise<void> {
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (let start = 0; start < count; start += IMAGES_PER_PRODUCT * 10) {
    const products: Product[] = [];
    const images: ImageRecord[] = [];
    for (let n = start; n < Math.min(count, start + IMAGES_PER_PRODUCT * 10); n += IMAGES_PER_PRODUCT) {
      const companyId = "bench-co-open";
      const productId = newObjectId(hourAgo);
      const made = Array.from({ length: IMAGES_PER_PRODUCT }, () => ({ ...readyImage(companyId, productId, newObjectId(hourAgo), hourAgo, baseUrl), status: "processing" as const, derivatives: [] }));
      images.push(...made);
      products.push({ id: productId, companyId, name: "open", sku: null, images: made.map((image) => ({ url: image.url, imageId: image.id })), version: 11, createdAt: hourAgo, updatedAt: hourAgo });
    }
    await store.transfer.products.write(products);
    await store.transfer.images.write(images);
  }
}
