import { imageUrlsOf, type Product } from "@ingest/shared";

/** What callers see of a product: `imageUrls` is the list of entries' URLs, in order. */
export interface ProductView {
  readonly id: string;
  readonly name: string;
  readonly sku: string | null;
  readonly imageUrls: string[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toProductView(product: Product): ProductView {
  return {
    id: product.id,
    name: product.name,
    sku: product.sku,
    imageUrls: imageUrlsOf(product),
    version: product.version,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
