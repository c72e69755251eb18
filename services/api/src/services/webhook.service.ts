import {
  AppError,
  registerWebhookEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookGuardSettings,
  type WebhookRepository,
  WebhookUrlError,
} from "@ingest/shared";
import type { Principal } from "../auth/principal.ts";
import { WEBHOOK_NOT_FOUND_MESSAGE } from "../errors/error-messages.ts";

/** Attempts listed with each endpoint. */
const RECENT_DELIVERIES = 10;

export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly createdAt: string;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
}

export interface WebhookService {
  /** The secret is in this answer and never again. */
  create(principal: Principal, input: { url: string; events: WebhookEventType[] }): Promise<WebhookView & { secret: string }>;
  list(principal: Principal): Promise<(WebhookView & { deliveries: object[] })[]>;
  remove(principal: Principal, id: string): Promise<void>;
}

export function createWebhookService(deps: { readonly webhooks: WebhookRepository; readonly settings: WebhookGuardSettings }): WebhookService {
  const { webhooks } = deps;
  return {
    async create(principal, input) {
      try {
        const { endpoint, secret } = await registerWebhookEndpoint(webhooks, { companyId: principal.companyId, ...input }, deps.settings);
        return { ...toView(endpoint), secret };
      } catch (error) {
        if (error instanceof WebhookUrlError) throw new AppError("bad_request", error.message);
        throw error;
      }
    },
    async list(principal) {
      const endpoints = await webhooks.listEndpoints(principal.companyId);
      return Promise.all(
        endpoints.map(async (endpoint) => ({ ...toView(endpoint), deliveries: (await webhooks.listDeliveries(endpoint.id, RECENT_DELIVERIES)).map(toDeliveryView) })),
      );
    },
    async remove(principal, id) {
      if (!(await webhooks.deleteEndpoint(principal.companyId, id))) throw new AppError("not_found", WEBHOOK_NOT_FOUND_MESSAGE);
    },
  };
}

function toView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    createdAt: endpoint.createdAt.toISOString(),
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    disabledReason: endpoint.disabledReason,
  };
}

function toDeliveryView(delivery: WebhookDelivery) {
  return {
    eventId: delivery.eventId,
    attempt: delivery.attempt,
    at: delivery.at.toISOString(),
    status: delivery.status,
    latencyMs: delivery.latencyMs,
    ok: delivery.ok,
    error: delivery.error,
  };
}
