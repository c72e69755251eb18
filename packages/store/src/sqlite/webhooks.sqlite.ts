import type { Transferable, WebhookDelivery, WebhookEndpoint, WebhookEventType, WebhookRepository } from "@ingest/shared";
import type { SqliteDatabase } from "./sqlite-database.ts";

interface EndpointRow {
  id: string;
  company_id: string;
  url: string;
  events: string;
  sealed_secret: string;
  created_at: number;
  disabled_at: number | null;
  disabled_reason: string | null;
}
interface EventRow {
  id: string;
  company_id: string;
  type: string;
  body: string;
  created_at: number;
}
interface DeliveryRow {
  endpoint_id: string;
  event_id: string;
  attempt: number;
  at: number;
  status: number | null;
  latency_ms: number;
  ok: number;
  error: string | null;
}

/** Every statement this repository runs, by name (the query-plan test checks each uses a key or an index). */
export const WEBHOOK_QUERIES = {
  insertEndpoint:
    "INSERT INTO webhook_endpoints (id, company_id, url, events, sealed_secret, created_at, disabled_at, disabled_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
  findEndpoint: "SELECT * FROM webhook_endpoints WHERE id = ?",
  // webhook_endpoints_by_company, or webhook_endpoints_by_created for every company's.
  endpointsOfCompany: "SELECT * FROM webhook_endpoints WHERE company_id = ? ORDER BY created_at",
  allEndpoints: "SELECT * FROM webhook_endpoints ORDER BY created_at",
  deleteEndpoint: "DELETE FROM webhook_endpoints WHERE id = ? AND company_id = ?",
  disableEndpoint: "UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL",
  insertEvent: "INSERT INTO webhook_events (id, company_id, type, body, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
  findEvent: "SELECT * FROM webhook_events WHERE id = ?",
  insertDelivery: "INSERT INTO webhook_deliveries (endpoint_id, event_id, attempt, at, status, latency_ms, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  // webhook_deliveries_by_endpoint, newest first.
  deliveriesOfEndpoint: "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?",
  // webhook_events_by_created and webhook_deliveries_by_at, a bounded batch at a time.
  pruneEvents: "DELETE FROM webhook_events WHERE rowid IN (SELECT rowid FROM webhook_events WHERE created_at < ? LIMIT ?)",
  pruneDeliveries: "DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries WHERE at < ? LIMIT ?)",
  // Primary key, for copying.
  endpointsAfter: "SELECT * FROM webhook_endpoints WHERE id > ? ORDER BY id LIMIT ?",
} as const;

export function createSqliteWebhookRepository(db: SqliteDatabase): WebhookRepository & { readonly transfer: Transferable<WebhookEndpoint> } {
  const q = WEBHOOK_QUERIES;
  const insertEndpoint = (endpoint: WebhookEndpoint) =>
    db.run(
      q.insertEndpoint,
      endpoint.id,
      endpoint.companyId,
      endpoint.url,
      JSON.stringify(endpoint.events),
      endpoint.sealedSecret,
      endpoint.createdAt.getTime(),
      endpoint.disabledAt?.getTime() ?? null,
      endpoint.disabledReason,
    );
  return {
    async createEndpoint(endpoint) {
      if (insertEndpoint(endpoint) !== 1) throw new Error("a webhook endpoint with this id exists");
    },
    async findEndpoint(id, companyId) {
      const row = db.get<EndpointRow>(q.findEndpoint, id);
      return row && (companyId === undefined || row.company_id === companyId) ? toEndpoint(row) : null;
    },
    async listEndpoints(companyId) {
      return (companyId === undefined ? db.all<EndpointRow>(q.allEndpoints) : db.all<EndpointRow>(q.endpointsOfCompany, companyId)).map(toEndpoint);
    },
    async deleteEndpoint(companyId, id) {
      return db.run(q.deleteEndpoint, id, companyId) === 1;
    },
    async disableEndpoint(id, reason, at) {
      db.run(q.disableEndpoint, at.getTime(), reason, id);
    },
    async recordEvent(event) {
      return db.run(q.insertEvent, event.id, event.companyId, event.type, event.body, event.createdAt.getTime()) === 1;
    },
    async findEvent(id) {
      const row = db.get<EventRow>(q.findEvent, id);
      return row ? { id: row.id, companyId: row.company_id, type: row.type as WebhookEventType, body: row.body, createdAt: new Date(row.created_at) } : null;
    },
    async recordDelivery(d) {
      db.run(q.insertDelivery, d.endpointId, d.eventId, d.attempt, d.at.getTime(), d.status, d.latencyMs, d.ok ? 1 : 0, d.error);
    },
    async listDeliveries(endpointId, limit) {
      return db.all<DeliveryRow>(q.deliveriesOfEndpoint, endpointId, limit).map(toDelivery);
    },
    async pruneHistory(before, limit) {
      return db.run(q.pruneEvents, before.getTime(), limit) + db.run(q.pruneDeliveries, before.getTime(), limit);
    },
    transfer: {
      read: async (afterId, limit) => db.all<EndpointRow>(q.endpointsAfter, afterId ?? "", limit).map(toEndpoint),
      write: async (items) => db.immediate(() => items.reduce((fresh, endpoint) => fresh + insertEndpoint(endpoint), 0)),
    },
  };
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    companyId: row.company_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    sealedSecret: row.sealed_secret,
    createdAt: new Date(row.created_at),
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at),
    disabledReason: row.disabled_reason,
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    attempt: row.attempt,
    at: new Date(row.at),
    status: row.status,
    latencyMs: row.latency_ms,
    ok: row.ok === 1,
    error: row.error,
  };
}
