import { type ImageRecord, type ImageRepository, type ProductRepository, publicUrl, type RejectionReason } from "@ingest/shared";
import type { Principal } from "../auth/principal.ts";
import { productNotFound } from "../errors/upload-errors.ts";

/** How long a rejected image stays listed after it left `imageUrls`, so callers can learn why. */
export const REJECTION_VISIBLE_MS = 7 * 24 * 3600 * 1000;

export type ImageStatusName = "processing" | "ready" | "rejected" | "external";

export interface DerivativeView {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly bytes: number;
}

export interface ImageStatusView {
  readonly index: number;
  readonly url: string;
  readonly status: ImageStatusName;
  readonly imageId: string | null;
  readonly format: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly placeholder: string | null;
  readonly dominantColor: string | null;
  readonly derivatives: DerivativeView[];
  readonly rejectionReason: RejectionReason | null;
}

export interface RejectedImageView {
  readonly imageId: string;
  readonly url: string;
  readonly reason: RejectionReason | null;
  readonly rejectedAt: string;
}

export interface ProductImagesView {
  readonly productId: string;
  readonly version: number;
  readonly images: ImageStatusView[];
  readonly recentlyRejected: RejectedImageView[];
}

export interface ImageStatusService {
  list(principal: Principal, productId: string, now?: Date): Promise<ProductImagesView>;
}

export function createImageStatusService(deps: {
  readonly products: ProductRepository;
  readonly images: ImageRepository;
  readonly publicBaseUrl: string;
}): ImageStatusService {
  const derivativeViews = (record: ImageRecord): DerivativeView[] =>
    record.derivatives.map((d) => ({ url: publicUrl(deps.publicBaseUrl, d.key), width: d.width, height: d.height, format: d.format, bytes: d.bytes }));

  return {
    async list(principal, productId, now = new Date()) {
      const product = await deps.products.find(principal.companyId, productId);
      if (!product) throw productNotFound();
      const since = new Date(now.getTime() - REJECTION_VISIBLE_MS);
      const imageIds = product.images.flatMap((entry) => (entry.imageId ? [entry.imageId] : []));
      const records = await deps.images.findListed(principal.companyId, product.id, imageIds, since);
      const byId = new Map(records.map((record) => [record.id, record]));

      const images = product.images.map((entry, index): ImageStatusView => {
        const record = entry.imageId ? byId.get(entry.imageId) : undefined;
        const base = { index, url: entry.url, imageId: entry.imageId ?? null, derivatives: [], rejectionReason: null };
        const none = { format: null, width: null, height: null, placeholder: null, dominantColor: null };
        if (!entry.imageId) return { ...base, ...none, status: "external" };
        // Staged-but-referenced and any state the worker has not settled yet read as processing.
        if (!record) return { ...base, ...none, status: "processing" };
        return {
          ...base,
          status: record.status === "ready" ? "ready" : record.status === "rejected" ? "rejected" : "processing",
          format: record.format,
          width: record.width,
          height: record.height,
          placeholder: record.placeholder,
          dominantColor: record.dominantColor,
          derivatives: record.status === "ready" ? derivativeViews(record) : [],
          rejectionReason: record.rejectionReason,
        };
      });

      const recentlyRejected = records
        .filter((record) => record.status === "rejected" && record.updatedAt >= since)
        .map((record) => ({ imageId: record.id, url: record.url, reason: record.rejectionReason, rejectedAt: record.updatedAt.toISOString() }));

      return { productId: product.id, version: product.version, images, recentlyRejected };
    },
  };
}
