import { type ImageRecord, type JobQueue, publicUrl, WEBHOOK_EVENT_VERSION, type WebhookEventType, type WebhookRepository } from "@ingest/shared";
import type { WebhookSettings } from "./webhook-settings.ts";

export interface WebhookEmitDeps {
  readonly webhooks: WebhookRepository;
  readonly queue: Pick<JobQueue, "enqueue">;
  readonly settings: { readonly webhooks: WebhookSettings };
}

const TYPE_TAG: Readonly<Record<WebhookEventType, string>> = { "image.ready": "ready", "image.rejected": "rejected", "image.deleted": "deleted" };

/**
 * Records an image's event and queues one delivery per subscribed, enabled endpoint of the
 * image's company (and of no other). The id is the image's and the verdict's, so a handler that
 * runs again (a retry after a crash) emits the same event: recorded once, and the delivery job
 * ids collapse; receivers drop duplicates by webhook-id. Throws when the store or Redis fail, so
 * the job retries and the event is not lost (at least once).
 */
export async function emitImageEvent(type: WebhookEventType, image: ImageRecord, deps: WebhookEmitDeps): Promise<void> {
  const endpoints = (await deps.webhooks.listEndpoints(image.companyId)).filter((endpoint) => endpoint.disabledAt === null && endpoint.events.includes(type));
  // Nobody listens: nothing is recorded, so a company without webhooks costs one indexed read per verdict.
  if (endpoints.length === 0) return;
  const id = `evt_${TYPE_TAG[type]}_${image.id}`;
  const createdAt = new Date();
  const body = JSON.stringify({ id, type, timestamp: createdAt.toISOString(), version: WEBHOOK_EVENT_VERSION, data: eventData(type, image, deps.settings.webhooks) });
  await deps.webhooks.recordEvent({ id, companyId: image.companyId, type, createdAt, body });
  for (const endpoint of endpoints) await deps.queue.enqueue("deliver-webhook", { eventId: id, endpointId: endpoint.id });
}

function eventData(type: WebhookEventType, image: ImageRecord, settings: WebhookSettings): object {
  const ids = { imageId: image.id, productId: image.productId };
  switch (type) {
    case "image.ready":
      return {
        ...ids,
        url: image.url,
        width: image.width,
        height: image.height,
        derivatives: image.derivatives.map((derivative) => ({
          url: publicUrl(settings.publicBaseUrl, derivative.key),
          width: derivative.width,
          height: derivative.height,
          format: derivative.format,
          bytes: derivative.bytes,
        })),
        placeholder: image.placeholder,
        dominantColor: image.dominantColor,
      };
    case "image.rejected":
      return { ...ids, removedUrl: image.url, reason: image.rejectionReason, detail: image.rejectionDetail };
    case "image.deleted":
      return { ...ids, url: image.url };
  }
}
