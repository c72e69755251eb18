import type { Transferable, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType, WebhookRepository } from "@ingest/shared";
import { type Collection, type Db, ObjectId } from "mongodb";
import { insertNew } from "./insert-new.ts";

interface EndpointDoc {
  _id: string;
  companyId: string;
  url: string;
  events: WebhookEventType[];
  sealedSecret: string;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
}
interface EventDoc {
  _id: string;
  companyId: string;
  type: WebhookEventType;
  body: string;
  createdAt: Date;
}
type DeliveryDoc = WebhookDelivery & { _id: ObjectId };

export async function ensureWebhookIndexes(db: Db): Promise<void> {
  await db.collection("webhook_endpoints").createIndex({ companyId: 1, createdAt: 1 }, { name: "company_created" });
  await db.collection("webhook_endpoints").createIndex({ createdAt: 1 }, { name: "created" });
  await db.collection("webhook_deliveries").createIndex({ endpointId: 1, _id: -1 }, { name: "endpoint_newest" });
  await db.collection("webhook_deliveries").createIndex({ at: 1 }, { name: "at" });
  await db.collection("webhook_events").createIndex({ createdAt: 1 }, { name: "created" });
}

export function createMongoWebhookRepository(db: Db): WebhookRepository & { readonly transfer: Transferable<WebhookEndpoint> } {
  const endpoints: Collection<EndpointDoc> = db.collection("webhook_endpoints");
  const events: Collection<EventDoc> = db.collection("webhook_events");
  const deliveries: Collection<DeliveryDoc> = db.collection("webhook_deliveries");
  const toEndpoint = ({ _id, ...rest }: EndpointDoc): WebhookEndpoint => ({ id: _id, ...rest, events: [...rest.events] });
  const toDoc = ({ id, ...rest }: WebhookEndpoint): EndpointDoc => ({ _id: id, ...rest, events: [...rest.events] });
  return {
    async createEndpoint(endpoint) {
      await endpoints.insertOne(toDoc(endpoint));
    },
    async findEndpoint(id, companyId) {
      // _id; the company is checked on the one document.
      const doc = await endpoints.findOne(companyId === undefined ? { _id: id } : { _id: id, companyId });
      return doc ? toEndpoint(doc) : null;
    },
    async listEndpoints(companyId) {
      // company_created, or created for every company's.
      return (await endpoints.find(companyId === undefined ? {} : { companyId }).sort({ createdAt: 1 }).toArray()).map(toEndpoint);
    },
    async deleteEndpoint(companyId, id) {
      return (await endpoints.deleteOne({ _id: id, companyId })).deletedCount === 1;
    },
    async disableEndpoint(id, reason, at) {
      // _id; racing disablers write the same kind of verdict, so the last one standing is fine.
      await endpoints.updateOne({ _id: id, disabledAt: null }, { $set: { disabledAt: at, disabledReason: reason } });
    },
    async recordEvent(event) {
      const { id, ...rest } = event;
      return (await insertNew(events, [{ _id: id, ...rest }])).length === 1;
    },
    async findEvent(id) {
      const doc = await events.findOne({ _id: id });
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { id: _id, ...rest } satisfies WebhookEvent;
    },
    async recordDelivery(delivery) {
      await deliveries.insertOne({ _id: new ObjectId(), ...delivery });
    },
    async listDeliveries(endpointId, limit) {
      // endpoint_newest: ObjectIds sort by creation.
      const docs = await deliveries.find({ endpointId }).sort({ _id: -1 }).limit(limit).toArray();
      return docs.map(({ _id, ...rest }) => rest);
    },
    async pruneHistory(before, limit) {
      // created / at: a bounded batch of ids, then those by _id.
      const oldEvents = await events.find({ createdAt: { $lt: before } }, { projection: { _id: 1 } }).sort({ createdAt: 1 }).limit(limit).toArray();
      const oldDeliveries = await deliveries.find({ at: { $lt: before } }, { projection: { _id: 1 } }).sort({ at: 1 }).limit(limit).toArray();
      const deletedEvents = oldEvents.length === 0 ? 0 : (await events.deleteMany({ _id: { $in: oldEvents.map((doc) => doc._id) } })).deletedCount;
      const deletedDeliveries = oldDeliveries.length === 0 ? 0 : (await deliveries.deleteMany({ _id: { $in: oldDeliveries.map((doc) => doc._id) } })).deletedCount;
      return deletedEvents + deletedDeliveries;
    },
    transfer: {
      read: async (afterId, limit) =>
        (await endpoints.find(afterId === null ? {} : { _id: { $gt: afterId } }).sort({ _id: 1 }).limit(limit).toArray()).map(toEndpoint),
      write: async (items) => (await insertNew(endpoints, items.map(toDoc))).length,
    },
  };
}
