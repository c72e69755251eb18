import { type ImageRecord, isAppError, type Product, type ProductRepository } from "@ingest/shared";

type ImageRef = Pick<ImageRecord, "id" | "url" | "companyId" | "productId">;

/**
 * Whether the product's latest revision still lists the image. The revision is the truth of what
 * is referenced; the image's own status can lag behind it (or, on FerretDB, lose a race).
 */
export function referencesImage(product: Product | null, image: Pick<ImageRecord, "id" | "url">): boolean {
  return product?.images.some((entry) => entry.imageId === image.id || entry.url === image.url) ?? false;
}

export async function isImageReferenced(products: ProductRepository, image: ImageRef): Promise<boolean> {
  return referencesImage(await products.find(image.companyId, image.productId), image);
}

/**
 * Takes the image out of its product's `imageUrls` by value (never by index: the list may have
 * changed since the upload). Re-decided on the latest revision when writers race.
 */
export async function removeImageFromProduct(products: ProductRepository, image: ImageRef): Promise<"removed" | "absent" | "product_gone"> {
  try {
    const { result } = await products.change(image.companyId, image.productId, (current) => {
      const kept = current.images.filter((entry) => !(entry.imageId === image.id || entry.url === image.url));
      if (kept.length === current.images.length) return { change: null, result: "absent" as const };
      return { change: { kind: "update", fields: { name: current.name, sku: current.sku, images: kept } }, result: "removed" as const };
    });
    return result;
  } catch (error) {
    if (isAppError(error, "product_not_found")) return "product_gone";
    throw error;
  }
}
