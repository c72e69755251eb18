import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { createJobQueue, createRedis, type JobQueue, parseConfig, type Redis, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOnlyJson, runCli } from "../support/cli-process.ts";

let names: TestNames;
let env: Record<string, string>;
let store: Store;
let redis: Redis;
let queue: JobQueue;

beforeAll(async () => {
  names = uniqueTestNames("cli webhooks");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent", WEBHOOKS_ALLOW_LOOPBACK: "true" };
  const config = parseConfig(env);
  store = await openStore(config.store);
  redis = createRedis(config.redis.url, "request");
  queue = createJobQueue(redis, config.queue.prefix);
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await store.close();
  await cleanUpTestData(testServices(), names);
});

const cli = (...args: string[]) => runCli(env, ...args);

describe("pnpm cli webhooks", { timeout: 120_000 }, () => {
  it("add prints the secret once, list and log show state and attempts, replay queues the event again, remove removes", async () => {
    await store.repositories.credentials.createCompany("acme", "Acme");
    await store.repositories.credentials.createCompany("globex", "Globex");
    const added = await cli("--json", "webhooks", "add", "--company", "acme", "--url", "http://127.0.0.1:9/hooks", "--events", "image.ready,image.rejected");
    expect(added.code, added.stderr).toBe(0);
    const endpoint = parseOnlyJson(added) as { id: string; secret: string; events: string[] };
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.events).toEqual(["image.ready", "image.rejected"]);

    const refused = await cli("webhooks", "add", "--company", "acme", "--url", "https://10.0.0.7/hooks", "--events", "image.ready");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/private, loopback or link-local/);
    expect((await cli("webhooks", "add", "--company", "acme", "--url", "https://93.184.215.14/x", "--events", "image.nope")).code).toBe(2);

    const listed = await cli("webhooks", "list", "--company", "acme");
    expect(listed.stdout).toContain(`${endpoint.id}  acme  http://127.0.0.1:9/hooks  image.ready,image.rejected  active`);
    expect(listed.stdout + listed.stderr).not.toContain(endpoint.secret);
    expect((await cli("webhooks", "list", "--company", "globex")).stderr).toContain("No webhook endpoints.");

    const event = { id: `evt_ready_${"a".repeat(24)}`, companyId: "acme", type: "image.ready" as const, createdAt: new Date(), body: "{}" };
    await store.repositories.webhooks.recordEvent(event);
    await store.repositories.webhooks.recordDelivery({ endpointId: endpoint.id, eventId: event.id, attempt: 1, at: new Date(), status: 500, latencyMs: 12, ok: false, error: "HTTP 500" });
    await store.repositories.webhooks.disableEndpoint(endpoint.id, "deliveries failed for longer than the retry window", new Date());
    const log = await cli("webhooks", "log", endpoint.id);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(new RegExp(`${event.id}  attempt 1  500  12 ms  HTTP 500`));
    expect(log.stderr).toContain("deliveries failed for longer than the retry window");

    // Disabled endpoints get no replay; an enabled one does, as a new job.
    expect((parseOnlyJson(await cli("--json", "webhooks", "replay", event.id)) as { endpoints: string[] }).endpoints).toEqual([]);
    const second = parseOnlyJson(await cli("--json", "webhooks", "add", "--company", "acme", "--url", "http://127.0.0.1:9/two", "--events", "image.ready")) as { id: string };
    const replayed = parseOnlyJson(await cli("--json", "webhooks", "replay", event.id)) as { endpoints: string[] };
    expect(replayed.endpoints).toEqual([second.id]);
    expect((await queue.counts("webhooks")).waiting).toBe(1);
    expect((await cli("webhooks", "replay", "evt_missing")).code).toBe(1);

    expect((await cli("webhooks", "remove", "--company", "globex", second.id)).code).toBe(1);
    expect((await cli("webhooks", "remove", "--company", "acme", second.id)).code).toBe(0);
    expect(await store.repositories.webhooks.findEndpoint(second.id)).toBeNull();
  });
});
