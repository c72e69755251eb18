import type { WebhookDelivery, WebhookEndpoint, WebhookEvent } from "./webhook.types.ts";

/** The webhook port: endpoints per company, the events sent (kept for replay), and the delivery log. */
export interface WebhookRepository {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  /** By id; with a company, only that company's endpoint. */
  findEndpoint(id: string, companyId?: string): Promise<WebhookEndpoint | null>;
  /** A company's endpoints, oldest first (every company's without one: an operator's view). */
  listEndpoints(companyId?: string): Promise<WebhookEndpoint[]>;
  /** False when the company has no such endpoint. */
  deleteEndpoint(companyId: string, id: string): Promise<boolean>;
  disableEndpoint(id: string, reason: string, at: Date): Promise<void>;
  /** Records an event once; false when its id is there already (a repeat emission). */
  recordEvent(event: WebhookEvent): Promise<boolean>;
  findEvent(id: string): Promise<WebhookEvent | null>;
  recordDelivery(delivery: WebhookDelivery): Promise<void>;
  /** An endpoint's latest attempts, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /** Deletes events and delivery attempts older than `before`, at most `limit` of each; returns how many. */
  pruneHistory(before: Date, limit: number): Promise<number>;
}
