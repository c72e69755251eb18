/**
 * The ledger of managed images. A record is written *before* its bytes are stored (an intent),
 * so no stored object is ever unknown to the database: reconciliation works from this ledger
 * and never needs to list the whole bucket.
 *
 *   staged ──append ok──▶ processing ──worker──▶ ready
 *     │                      │                    │
 *     │ request failed /     └──▶ rejected        │ DELETE, PATCH, product deleted
 *     │ abandoned (grace)         (objects gone)  ▼
 *     └──────────────────────────────────────▶ removed ──objects deleted──▶ deleted
 */
export const IMAGE_STATUSES = ["staged", "processing", "ready", "rejected", "removed", "deleted"] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const REJECTION_REASONS = [
  "not_an_image",
  "type_mismatch",
  "corrupt",
  "too_many_pixels",
  "unsupported_variant",
  "timeout",
  "empty",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const IMAGE_FORMATS = ["png", "jpeg", "webp"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export interface Derivative {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ImageRecord {
  readonly id: string;
  readonly companyId: string;
  readonly productId: string;
  /** Storage key of the original, served at the public URL. */
  readonly key: string;
  readonly url: string;
  readonly format: ImageFormat;
  readonly contentType: string;
  readonly bytes: number;
  readonly status: ImageStatus;
  readonly rejectionReason: RejectionReason | null;
  readonly rejectionDetail: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly sha256: string | null;
  readonly placeholder: string | null;
  readonly dominantColor: string | null;
  readonly derivatives: readonly Derivative[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
