import type { CredentialRepository } from "./auth/credential.repository.ts";
import type { IdempotencyRepository } from "./idempotency/idempotency.repository.ts";
import type { ImageRepository } from "./images/image.repository.ts";
import type { ProductRepository } from "./products/product.repository.ts";
import type { WebhookRepository } from "./webhooks/webhook.repository.ts";

/** Every repository port; a store (see store/store.ts) provides all of them over one backend. */
export interface Repositories {
  readonly products: ProductRepository;
  readonly images: ImageRepository;
  readonly credentials: CredentialRepository;
  /** Upload idempotency keys (not copied by `store copy`: they live 24 hours). */
  readonly idempotency: IdempotencyRepository;
  readonly webhooks: WebhookRepository;
}
