/** One entry of a product's `imageUrls`. `imageId` marks an image this service stores and owns. */
export interface ImageEntry {
  readonly url: string;
  readonly imageId?: string;
}

export interface Product {
  readonly id: string;
  readonly companyId: string;
  readonly name: string;
  readonly sku: string | null;
  readonly images: readonly ImageEntry[];
  /** Increases by one on every change; doubles as the product's ETag. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ProductFields {
  readonly name: string;
  readonly sku: string | null;
  readonly images: readonly ImageEntry[];
}

export const MAX_IMAGES_PER_PRODUCT = 20;

export function imageUrlsOf(product: Pick<Product, "images">): string[] {
  return product.images.map((entry) => entry.url);
}
