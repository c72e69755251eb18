import type { ImageFormat } from "./image.types.ts";

export const EXTENSION_BY_FORMAT: Readonly<Record<ImageFormat, string>> = { png: "png", jpeg: "jpg", webp: "webp" };
export const CONTENT_TYPE_BY_FORMAT: Readonly<Record<ImageFormat, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** `<companyId>/products/<productId>/images/<imageId>.<ext>` — the path of the public URL. */
export function originalKey(companyId: string, productId: string, imageId: string, format: ImageFormat): string {
  return `${imageFolder(companyId, productId)}/${imageId}.${EXTENSION_BY_FORMAT[format]}`;
}

/** Derivatives sit in a folder named after the image, beside the original. */
export function derivativeKey(companyId: string, productId: string, imageId: string, width: number, format: string): string {
  return `${imageFolder(companyId, productId)}/${imageId}/${width}w.${format}`;
}

export function publicUrl(publicBaseUrl: string, key: string): string {
  return `${publicBaseUrl}/${key}`;
}

function imageFolder(companyId: string, productId: string): string {
  return `${companyId}/products/${productId}/images`;
}

const CONTENT_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
};

/** Content type of a stored key, from its extension; only image types are ever stored. */
export function contentTypeOfKey(key: string): string {
  const extension = key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  // Own keys only: "__proto__" or "constructor" must not find Object.prototype's members.
  return Object.hasOwn(CONTENT_TYPE_BY_EXTENSION, extension) ? (CONTENT_TYPE_BY_EXTENSION[extension] as string) : "application/octet-stream";
}
