import { AppError, type ImageEntry, MAX_IMAGES_PER_PRODUCT, type Product, type ProductRepository } from "@ingest/shared";
import type { FastifyBaseLogger } from "fastify";
import type { Principal } from "../auth/principal.ts";
import { productNotFound } from "../errors/upload-errors.ts";
import { assertIfMatch } from "./etag.ts";
import { droppedImageIds, type ImageRemoval } from "./image-removal.service.ts";

export interface CreateProductInput {
  readonly name: string;
  readonly sku?: string | null;
  readonly imageUrls?: readonly string[];
}

export interface UpdateProductInput {
  readonly name?: string;
  readonly sku?: string | null;
  readonly imageUrls?: readonly string[];
}

export interface ProductService {
  create(principal: Principal, input: CreateProductInput): Promise<Product>;
  get(principal: Principal, productId: string): Promise<Product>;
  list(principal: Principal, page: { limit: number; cursor?: string }): Promise<{ products: Product[]; nextCursor: string | null }>;
  update(principal: Principal, productId: string, input: UpdateProductInput, ifMatch: string | undefined, log: FastifyBaseLogger): Promise<Product>;
  remove(principal: Principal, productId: string, ifMatch: string | undefined, log: FastifyBaseLogger): Promise<void>;
  removeImageAt(principal: Principal, productId: string, index: string, ifMatch: string | undefined, log: FastifyBaseLogger): Promise<Product>;
}

const INDEX = /^(0|[1-9][0-9]{0,8})$/;
const CURSOR = /^[0-9a-f]{24}$/i;

export function createProductService(deps: { readonly products: ProductRepository; readonly removal: ImageRemoval }): ProductService {
  const { products, removal } = deps;

  return {
    async create(principal, input) {
      // URLs given by the caller are external: naming a URL never grants authority over its bytes.
      const images = checkImageUrls(input.imageUrls ?? []).map((url) => ({ url }));
      return products.create(principal.companyId, { name: input.name, sku: input.sku ?? null, images });
    },

    async get(principal, productId) {
      const product = await products.find(principal.companyId, productId);
      if (!product) throw productNotFound();
      return product;
    },

    async list(principal, { limit, cursor }) {
      if (cursor !== undefined && !CURSOR.test(cursor)) throw new AppError("bad_request", "Invalid cursor");
      const page = await products.list(principal.companyId, { after: cursor, limit });
      return { products: page.products, nextCursor: page.nextCursor };
    },

    async update(principal, productId, input, ifMatch, log) {
      const urls = input.imageUrls === undefined ? undefined : checkImageUrls(input.imageUrls);
      const outcome = await products.change(principal.companyId, productId, (current) => {
        assertIfMatch(ifMatch, current.version);
        const fields = {
          name: input.name ?? current.name,
          sku: input.sku === undefined ? current.sku : input.sku,
          images: urls === undefined ? current.images : replaceImageUrls(current.images, urls),
        };
        return { change: { kind: "update", fields }, result: null };
      });
      await removal.scheduleRemoval(outcome.previous, droppedImageIds(outcome.previous.images, outcome.product.images), log);
      return outcome.product;
    },

    async remove(principal, productId, ifMatch, log) {
      const outcome = await products.change(principal.companyId, productId, (current) => {
        assertIfMatch(ifMatch, current.version);
        return { change: { kind: "delete" }, result: null };
      });
      await removal.scheduleRemoval(outcome.previous, droppedImageIds(outcome.previous.images, []), log);
    },

    async removeImageAt(principal, productId, index, ifMatch, log) {
      if (!INDEX.test(index)) throw new AppError("bad_request", "Image index must be a non-negative integer");
      const position = Number(index);
      const outcome = await products.change(principal.companyId, productId, (current) => {
        assertIfMatch(ifMatch, current.version);
        if (position >= current.images.length) throw new AppError("not_found", `No image at index ${position}`);
        const images = current.images.filter((_, at) => at !== position);
        return { change: { kind: "update", fields: { name: current.name, sku: current.sku, images } }, result: null };
      });
      await removal.scheduleRemoval(outcome.previous, droppedImageIds(outcome.previous.images, outcome.product.images), log);
      return outcome.product;
    },
  };
}

/**
 * The new list keeps the managed identity of URLs that were managed entries of this very
 * product; every other URL, even one that points at our storage, is external.
 */
function replaceImageUrls(current: readonly ImageEntry[], urls: readonly string[]): ImageEntry[] {
  const managed = new Map(current.flatMap((entry) => (entry.imageId ? [[entry.url, entry.imageId] as const] : [])));
  return urls.map((url) => {
    const imageId = managed.get(url);
    return imageId ? { url, imageId } : { url };
  });
}

function checkImageUrls(urls: readonly string[]): string[] {
  if (urls.length > MAX_IMAGES_PER_PRODUCT) {
    throw new AppError("bad_request", `imageUrls may hold at most ${MAX_IMAGES_PER_PRODUCT} URLs`);
  }
  if (new Set(urls).size !== urls.length) throw new AppError("bad_request", "imageUrls must not repeat a URL");
  urls.forEach((url, at) => {
    if (!isAbsoluteHttpUrl(url)) throw new AppError("bad_request", `imageUrls[${at}] must be an absolute http(s) URL`);
  });
  return [...urls];
}

function isAbsoluteHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
