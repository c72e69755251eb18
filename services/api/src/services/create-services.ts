import { checkDependencies, pingRedis, type ReadinessReport } from "@ingest/shared";
import type { AppDeps } from "../app-deps.ts";
import { type Admission, type AdmissionEvent, createAdmission } from "./admission.ts";
import { createImageRemoval } from "./image-removal.service.ts";
import { createImageStatusService, type ImageStatusService } from "./image-status.service.ts";
import { createProductService, type ProductService } from "./product.service.ts";
import { prepareSpoolDir } from "../http/upload-spool.ts";
import { createUploadIdempotency } from "./upload-idempotency.ts";
import { createUploadService, type UploadService } from "./upload.service.ts";
import { createWebhookService, type WebhookService } from "./webhook.service.ts";

/** An upload waits at most this long for Redis to take its job; the ledger covers the rest. */
const ENQUEUE_TIMEOUT_MS = 1_000;

export interface Services {
  readonly products: ProductService;
  readonly uploads: UploadService;
  readonly imageStatus: ImageStatusService;
  readonly webhooks: WebhookService;
  readonly readiness: () => Promise<ReadinessReport>;
  /** The uploads' admission slots, read by the in-flight gauge. */
  readonly admission: Admission;
}

/** Hooks for metrics; each listener must not throw. */
export interface ServiceEvents {
  readonly onAdmission?: (event: AdmissionEvent) => void;
}

export function createServices(deps: AppDeps, events: ServiceEvents = {}): Services {
  const { products, images, idempotency: keys } = deps.store.repositories;
  const admission = createAdmission(
    {
      total: deps.config.api.maxConcurrentUploads,
      perCompany: deps.config.api.maxUploadsPerCompany,
      perCredential: deps.config.api.maxUploadsPerCredential,
    },
    events.onAdmission,
  );
  const removal = createImageRemoval({ images, queue: deps.queue, enqueueTimeoutMs: ENQUEUE_TIMEOUT_MS });
  return {
    products: createProductService({ products, removal }),
    uploads: createUploadService({
      products,
      images,
      storage: deps.storage,
      queue: deps.queue,
      admission,
      idempotency: createUploadIdempotency({ keys, products, ...deps.config.callers.idempotency }),
      publicBaseUrl: deps.config.publicBaseUrl,
      enqueueTimeoutMs: ENQUEUE_TIMEOUT_MS,
      spoolDir: prepareSpoolDir(deps.config.api.uploadSpoolDir),
    }),
    webhooks: createWebhookService({ webhooks: deps.store.repositories.webhooks, settings: deps.config.callers.webhooks }),
    imageStatus: createImageStatusService({ products, images, publicBaseUrl: deps.config.publicBaseUrl }),
    admission,
    readiness: () =>
      checkDependencies({
        database: () => deps.store.ping(),
        redis: () => pingRedis(deps.redis),
        storage: () => deps.storage.ping(),
      }),
  };
}
