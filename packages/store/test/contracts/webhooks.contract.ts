import { newObjectId, type Store, type WebhookEndpoint, type WebhookRepository } from "@ingest/shared";
import { describe, expect, it } from "vitest";

/** The webhook port's contract: endpoints walled off per company, events recorded once, the delivery log newest first. */
export function webhookContract(store: () => Store): void {
  const webhooks = (): WebhookRepository => store().repositories.webhooks;
  const endpointOf = (companyId: string, createdAt = new Date()): WebhookEndpoint => ({
    id: newObjectId(),
    companyId,
    url: "https://hooks.example.com/in",
    events: ["image.ready", "image.rejected"],
    sealedSecret: "v1:a:b:c",
    createdAt,
    disabledAt: null,
    disabledReason: null,
  });

  describe("webhooks", () => {
    it("keeps each company's endpoints to itself, oldest first, and deletes only its own", async () => {
      const a = `co-${newObjectId()}`;
      const b = `co-${newObjectId()}`;
      const first = endpointOf(a, new Date(Date.now() - 1_000));
      const second = endpointOf(a);
      const theirs = endpointOf(b);
      for (const endpoint of [second, first, theirs]) await webhooks().createEndpoint(endpoint);
      await expect(webhooks().createEndpoint(first)).rejects.toThrow();
      expect(await webhooks().listEndpoints(a)).toEqual([first, second]);
      expect(await webhooks().findEndpoint(theirs.id, a)).toBeNull();
      expect(await webhooks().findEndpoint(theirs.id, b)).toEqual(theirs);
      expect(await webhooks().findEndpoint(theirs.id)).toEqual(theirs);
      expect(await webhooks().deleteEndpoint(a, theirs.id)).toBe(false);
      expect(await webhooks().deleteEndpoint(b, theirs.id)).toBe(true);
      expect(await webhooks().findEndpoint(theirs.id)).toBeNull();
      expect((await webhooks().listEndpoints()).map((endpoint) => endpoint.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    });

    it("disables an endpoint once, keeping the first reason", async () => {
      const endpoint = endpointOf(`co-${newObjectId()}`);
      await webhooks().createEndpoint(endpoint);
      const at = new Date();
      await webhooks().disableEndpoint(endpoint.id, "failing for 24 h", at);
      await webhooks().disableEndpoint(endpoint.id, "again", new Date());
      expect(await webhooks().findEndpoint(endpoint.id)).toMatchObject({ disabledAt: at, disabledReason: "failing for 24 h" });
    });

    it("records an event once and finds it by id", async () => {
      const event = { id: `evt_${newObjectId()}`, companyId: "c", type: "image.ready" as const, createdAt: new Date(), body: '{"a":1}' };
      expect(await webhooks().recordEvent(event)).toBe(true);
      expect(await webhooks().recordEvent({ ...event, body: "{}" })).toBe(false);
      expect(await webhooks().findEvent(event.id)).toEqual(event);
      expect(await webhooks().findEvent("evt_missing")).toBeNull();
    });

    it("logs deliveries per endpoint, newest first, as many as asked", async () => {
      const endpointId = newObjectId();
      for (let attempt = 1; attempt <= 4; attempt++) {
        await webhooks().recordDelivery({ endpointId, eventId: "evt_1", attempt, at: new Date(), status: attempt < 4 ? 500 : 204, latencyMs: attempt, ok: attempt === 4, error: attempt < 4 ? "HTTP 500" : null });
      }
      await webhooks().recordDelivery({ endpointId: newObjectId(), eventId: "evt_1", attempt: 1, at: new Date(), status: null, latencyMs: 0, ok: false, error: "refused" });
      const log = await webhooks().listDeliveries(endpointId, 3);
      expect(log.map((entry) => [entry.attempt, entry.status, entry.ok])).toEqual([
        [4, 204, true],
        [3, 500, false],
        [2, 500, false],
      ]);
      expect(log[1]).toMatchObject({ endpointId, eventId: "evt_1", latencyMs: 3, error: "HTTP 500" });
    });

    it("prunes events and attempts older than a date, and keeps newer ones", async () => {
      const endpointId = newObjectId();
      const old = new Date(Date.now() - 40 * 86_400_000);
      const oldEvent = { id: `evt_${newObjectId()}`, companyId: "c", type: "image.ready" as const, createdAt: old, body: "{}" };
      const newEvent = { ...oldEvent, id: `evt_${newObjectId()}`, createdAt: new Date() };
      await webhooks().recordEvent(oldEvent);
      await webhooks().recordEvent(newEvent);
      await webhooks().recordDelivery({ endpointId, eventId: oldEvent.id, attempt: 1, at: old, status: 204, latencyMs: 1, ok: true, error: null });
      await webhooks().recordDelivery({ endpointId, eventId: newEvent.id, attempt: 1, at: new Date(), status: 204, latencyMs: 1, ok: true, error: null });
      let pruned = 0;
      for (let pass = 0; pass < 20; pass++) {
        const batch = await webhooks().pruneHistory(new Date(Date.now() - 30 * 86_400_000), 50);
        pruned += batch;
        if (batch === 0) break;
      }
      expect(pruned).toBeGreaterThanOrEqual(2);
      expect(await webhooks().findEvent(oldEvent.id)).toBeNull();
      expect(await webhooks().findEvent(newEvent.id)).not.toBeNull();
      expect((await webhooks().listDeliveries(endpointId, 10)).map((entry) => entry.eventId)).toEqual([newEvent.id]);
    });
  });
}
