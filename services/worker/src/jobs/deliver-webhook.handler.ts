import { checkWebhookUrl, type DeliverWebhookPayload, openSecret, PermanentJobError, signWebhook, type WebhookRepository } from "@ingest/shared";
import { postWebhook } from "../webhooks/post-webhook.ts";
import type { WebhookSettings } from "../webhooks/webhook-settings.ts";
import type { WorkerLog } from "../worker-log.ts";

export interface DeliverWebhookDeps {
  readonly webhooks: WebhookRepository;
  readonly settings: { readonly webhooks: WebhookSettings };
  readonly log: WorkerLog;
}

export type DeliverWebhookResult =
  | { readonly outcome: "delivered"; readonly status: number }
  | { readonly outcome: "skipped"; readonly why: string };

/** Replays are tagged `r<ms since epoch>`: their retry window starts at the replay, not at the event. */
function windowStart(payload: DeliverWebhookPayload, eventCreatedAt: Date): number {
  const replayedAt = payload.replay?.startsWith("r") ? Number.parseInt(payload.replay.slice(1), 36) : Number.NaN;
  return Number.isFinite(replayedAt) ? replayedAt : eventCreatedAt.getTime();
}

/**
 * One signed POST of one event to one endpoint (Standard Webhooks headers). Never follows a
 * redirect, gives up after the timeout, checks the URL's addresses first (the SSRF guard, again,
 * since DNS can change) and connects to the address it checked. A failure throws so BullMQ retries it with backoff; once the event has
 * failed for the whole retry window, the endpoint is disabled with the reason and the job ends.
 */
export async function deliverWebhook(payload: DeliverWebhookPayload, deps: DeliverWebhookDeps, attempt = 1): Promise<DeliverWebhookResult> {
  const settings = deps.settings.webhooks;
  const endpoint = await deps.webhooks.findEndpoint(payload.endpointId);
  if (!endpoint) return { outcome: "skipped", why: "the endpoint was deleted" };
  if (endpoint.disabledAt) return { outcome: "skipped", why: `the endpoint is disabled: ${endpoint.disabledReason}` };
  const event = await deps.webhooks.findEvent(payload.eventId);
  // Tenancy: an endpoint only ever gets its own company's events, whatever a job says.
  if (!event || event.companyId !== endpoint.companyId) throw new PermanentJobError("no such event for this endpoint's company");

  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const [address] = await checkWebhookUrl(endpoint.url, settings.allowLoopback);
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = openSecret(endpoint.sealedSecret, settings.secretKeyHex ? Buffer.from(settings.secretKeyHex, "hex") : undefined);
    const headers = {
      "content-type": "application/json",
      "user-agent": "image-ingest-webhooks/1",
      "webhook-id": event.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(secret, event.id, timestamp, event.body),
    };
    status = await postWebhook(new URL(endpoint.url), address as string, headers, event.body, settings.timeoutMs);
    if (status >= 300 && status < 400) error = `redirect refused (HTTP ${status})`;
    else if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (failure) {
    error = failure instanceof Error ? failure.message || failure.name : String(failure);
  }
  const latencyMs = Math.round(performance.now() - started);
  await deps.webhooks.recordDelivery({ endpointId: endpoint.id, eventId: event.id, attempt, at: new Date(), status, latencyMs, ok: error === null, error });
  if (error === null) return { outcome: "delivered", status: status ?? 0 };

  if (Date.now() - windowStart(payload, event.createdAt) >= settings.retryWindowMs) {
    const reason = `deliveries failed for longer than the retry window (${Math.round(settings.retryWindowMs / 1000)} s); last: ${error}`;
    await deps.webhooks.disableEndpoint(endpoint.id, reason, new Date());
    deps.log.warn({ endpointId: endpoint.id, eventId: event.id, reason }, "webhook endpoint disabled");
    throw new PermanentJobError(reason);
  }
  throw new Error(`webhook delivery failed: ${error}`);
}
