import type { ApiKeyRecord, CompanyRecord, RevokedTokenRecord } from "../auth/credential.repository.ts";
import type { ImageRecord } from "../images/image.types.ts";
import type { Product } from "../products/product.types.ts";
import type { WebhookEndpoint } from "../webhooks/webhook.types.ts";
import type { Transferable } from "./store.ts";

/** Everything a store persists, kind by kind, in the order a copy writes them. */
export interface StoreTransfer {
  readonly companies: Transferable<CompanyRecord>;
  readonly apiKeys: Transferable<ApiKeyRecord>;
  readonly revokedTokens: Transferable<RevokedTokenRecord>;
  /** Live products only, in their latest state (a deleted product has nothing left to serve). */
  readonly products: Transferable<Product>;
  /** The whole image ledger, every status. */
  readonly images: Transferable<ImageRecord>;
  /**
   * Webhook endpoints, with their sealed secrets as they are (the target needs the same
   * WEBHOOK_SECRET_KEY). Not copied: idempotency keys (they live a day), webhook events and the
   * delivery log (history, not state).
   */
  readonly webhookEndpoints: Transferable<WebhookEndpoint>;
}

export const TRANSFER_KINDS = ["companies", "apiKeys", "revokedTokens", "products", "images", "webhookEndpoints"] as const satisfies readonly (keyof StoreTransfer)[];

/** The id a record is paged by, per kind. */
export const transferIdOf: { readonly [K in keyof StoreTransfer]: (item: StoreTransfer[K] extends Transferable<infer T> ? T : never) => string } = {
  companies: (company) => company.id,
  apiKeys: (key) => key.lookupId,
  revokedTokens: (token) => token.jti,
  products: (product) => product.id,
  images: (image) => image.id,
  webhookEndpoints: (endpoint) => endpoint.id,
};
