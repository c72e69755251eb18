import { WEBHOOK_EVENT_TYPES } from "@ingest/shared";
import { WEBHOOK_NOT_FOUND_MESSAGE } from "../../errors/error-messages.ts";
import { bearerSecurity, errorSchema } from "../common.schema.ts";
import { apiErrors, success, validationError } from "../responses.schema.ts";

const tags = ["webhooks"];
const nullableString = { type: ["string", "null"] } as const;

const endpointProperties = {
  id: { type: "string" },
  url: { type: "string" },
  events: { type: "array", items: { type: "string", enum: WEBHOOK_EVENT_TYPES } },
  createdAt: { type: "string", format: "date-time" },
  disabledAt: { ...nullableString, description: "When deliveries kept failing past the retry window; nothing more is sent." },
  disabledReason: nullableString,
} as const;
const endpointRequired = ["id", "url", "events", "createdAt", "disabledAt", "disabledReason"];

const deliverySchema = {
  type: "object",
  properties: {
    eventId: { type: "string" },
    attempt: { type: "integer" },
    at: { type: "string", format: "date-time" },
    status: { type: ["integer", "null"], description: "The receiver's HTTP status; null when none came." },
    latencyMs: { type: "integer" },
    ok: { type: "boolean" },
    error: nullableString,
  },
} as const;

const notFound = {
  description: "No such endpoint for this company.",
  ...errorSchema,
  "x-examples": { "unknown-endpoint": { summary: "Unknown endpoint", value: { error: WEBHOOK_NOT_FOUND_MESSAGE } } },
};

const SIGNING =
  "Each event is POSTed as JSON `{ id, type, timestamp, version, data }` with the Standard Webhooks headers `webhook-id` (the event id: drop duplicates by it, delivery is at least once), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<raw body>`, keyed with the base64-decoded part of the secret after `whsec_`). A 2xx within the timeout accepts; anything else (redirects included, never followed) is retried with exponential backoff for 24 hours, after which the endpoint is disabled with the reason.";

export const createWebhookSchema = {
  tags,
  summary: "Register a webhook endpoint",
  description: `An https:// URL whose host resolves to public addresses only. The signing secret is in this answer only. ${SIGNING}`,
  security: bearerSecurity,
  body: {
    type: "object",
    required: ["url", "events"],
    additionalProperties: false,
    properties: {
      url: { type: "string", minLength: 1, maxLength: 2048 },
      events: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", enum: WEBHOOK_EVENT_TYPES } },
    },
  },
  response: {
    201: success("Registered; keep the secret, it is not shown again.", {
      type: "object",
      required: [...endpointRequired, "secret"],
      properties: { ...endpointProperties, secret: { type: "string", description: "whsec_… (Standard Webhooks)." } },
    }),
    ...apiErrors("webhooks:write"),
    ...validationError({
      "Not https": "The webhook URL must be https://.",
      "Private address": "The webhook host 10.0.0.7 resolves to a private, loopback or link-local address (10.0.0.7); refused.",
      "Unknown event": "body/events/0 must be equal to one of the allowed values",
    }),
  },
} as const;

export const listWebhooksSchema = {
  tags,
  summary: "List the company's webhook endpoints, with their latest delivery attempts",
  security: bearerSecurity,
  response: {
    200: success("The endpoints, oldest first; each with its last attempts, newest first.", {
      type: "object",
      required: ["webhooks"],
      properties: {
        webhooks: {
          type: "array",
          items: { type: "object", required: endpointRequired, properties: { ...endpointProperties, deliveries: { type: "array", items: deliverySchema } } },
        },
      },
    }),
    ...apiErrors("webhooks:write"),
  },
} as const;

export const deleteWebhookSchema = {
  tags,
  summary: "Remove a webhook endpoint",
  security: bearerSecurity,
  params: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
  response: { 204: { description: "Removed; nothing more is sent to it.", type: "null" }, ...apiErrors("webhooks:write"), 404: notFound },
} as const;
