/** Webhooks (issue 12): what a company subscribes to, what it is sent, and what happened to each send. */
export const WEBHOOK_EVENT_TYPES = ["image.ready", "image.rejected", "image.deleted"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The version of the event body's shape; it changes only when a field changes meaning or goes. */
export const WEBHOOK_EVENT_VERSION = 1;

export interface WebhookEndpoint {
  readonly id: string;
  readonly companyId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** The signing secret, sealed (see secret-box.ts): never the plain secret unless no key is configured. */
  readonly sealedSecret: string;
  readonly createdAt: Date;
  /** Set when deliveries kept failing past the retry window; the endpoint then gets nothing more. */
  readonly disabledAt: Date | null;
  readonly disabledReason: string | null;
}

/** One event, as signed and sent: `body` is the exact JSON every delivery of it carries. */
export interface WebhookEvent {
  readonly id: string;
  readonly companyId: string;
  readonly type: WebhookEventType;
  readonly createdAt: Date;
  readonly body: string;
}

/** One attempt to deliver one event to one endpoint. */
export interface WebhookDelivery {
  readonly endpointId: string;
  readonly eventId: string;
  readonly attempt: number;
  readonly at: Date;
  /** The receiver's HTTP status; null when none came (refused, timed out, blocked). */
  readonly status: number | null;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly error: string | null;
}

export function parseEventTypes(text: string): WebhookEventType[] {
  const values = text.split(/[\s,]+/).filter(Boolean);
  const unknown = values.filter((value) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(value));
  if (unknown.length > 0) throw new Error(`unknown event type(s): ${unknown.join(", ")}; known: ${WEBHOOK_EVENT_TYPES.join(", ")}`);
  if (values.length === 0) throw new Error(`name at least one event type: ${WEBHOOK_EVENT_TYPES.join(", ")}`);
  return [...new Set(values)] as WebhookEventType[];
}
