import type { ImageRecord, ImageRepository } from "@ingest/shared/images";

/** What to reprocess: one image, one product's images, a company's, or every image. */
export type ReprocessScope =
  | { readonly kind: "image"; readonly imageId: string }
  | { readonly kind: "product"; readonly companyId: string; readonly productId: string }
  | { readonly kind: "company"; readonly companyId: string }
  | { readonly kind: "all" };

/** Only finished images have derivatives to redo; `processing` ones are picked up too (a run cut short leaves some). */
export const REPROCESSABLE = ["ready", "processing"] as const;
const PAGE = 200;

export function describeScope(scope: ReprocessScope): string {
  switch (scope.kind) {
    case "image":
      return `image ${scope.imageId}`;
    case "product":
      return `product ${scope.productId} of company ${scope.companyId}`;
    case "company":
      return `every image of company ${scope.companyId}`;
    case "all":
      return "every image";
  }
}

/**
 * The scope's images in id order, after `after` (exclusive), page by page. Ids are 24 hex
 * characters that sort by creation, so "after" is a stable resume point.
 */
export async function* imagesInScope(images: ImageRepository, scope: ReprocessScope, after: string | null): AsyncGenerator<ImageRecord> {
  const wanted = (image: ImageRecord) => (REPROCESSABLE as readonly string[]).includes(image.status) && (after === null || image.id > after);
  if (scope.kind === "image") {
    const image = await images.find(scope.imageId);
    if (image && wanted(image)) yield image;
    return;
  }
  if (scope.kind === "product") {
    const all = await images.findForProduct(scope.companyId, scope.productId);
    yield* all.filter(wanted).sort((a, b) => (a.id < b.id ? -1 : 1));
    return;
  }
  // A company, or everything: walk the ledger by id (its primary key), filtering by company.
  let cursor = after;
  for (;;) {
    const page = await images.findAfter(REPROCESSABLE, cursor, PAGE);
    for (const image of page) {
      if (scope.kind === "all" || image.companyId === scope.companyId) yield image;
    }
    if (page.length < PAGE) return;
    cursor = page.at(-1)!.id;
  }
}
