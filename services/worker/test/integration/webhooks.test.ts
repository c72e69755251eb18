import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { findFreePort } from "@ingest/provision";
import { TEST_STORES } from "@ingest/provision/testing";
import { checkWebhookUrl, registerWebhookEndpoint, verifyWebhook, WebhookUrlError } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { HTML, plainJpeg } from "../support/image-fixtures.ts";
import { COMPANY, createHarness, eventually, type Harness } from "../support/worker-harness.ts";
import { spawnWorker } from "../support/worker-process.ts";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly answered: number;
}

/** A real HTTP receiver on 127.0.0.1 that answers each request with the next status of `statuses` (then the last one). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answered = statuses[Math.min(received.length, statuses.length - 1)] ?? 204;
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString(), answered });
      response.writeHead(answered, answered === 302 ? { location: "http://127.0.0.1:1/elsewhere" } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let harness: Harness | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await harness?.close();
  harness = undefined;
});

const FAST_RETRIES = { WEBHOOKS_ALLOW_LOOPBACK: "true", WEBHOOK_RETRY_BASE_MS: "100", WEBHOOK_TIMEOUT_MS: "2000" };
const guard = (h: Harness) => ({ allowLoopback: true, secretKeyHex: h.config.callers.webhooks.secretKeyHex });

describe.each(TEST_STORES)("webhooks, delivered by the worker, on the %s store", (store) => {
  it("a receiver that fails twice then accepts gets image.ready accepted exactly once, signed, and no other tenant hears of it", async () => {
    const h = await createHarness(`webhooks ready ${store}`, { ...FAST_RETRIES, WEBHOOK_SECRET_KEY: "ab".repeat(32) }, store);
    harness = h;
    const receiver = await startReceiver([500, 503, 204]);
    const bystander = await startReceiver([204]);
    closers.push(receiver.close, bystander.close);
    const { endpoint, secret } = await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url: receiver.url, events: ["image.ready", "image.rejected"] }, guard(h));
    expect(endpoint.sealedSecret).not.toContain(secret.slice(6));
    await registerWebhookEndpoint(h.repositories.webhooks, { companyId: "globex", url: bystander.url, events: ["image.ready", "image.rejected", "image.deleted"] }, guard(h));
    // Subscribed to other events only: gets nothing either.
    const deletedOnly = await startReceiver([204]);
    closers.push(deletedOnly.close);
    await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url: deletedOnly.url, events: ["image.deleted"] }, guard(h));

    const product = await h.createProduct();
    const image = await h.stageUpload(product, await plainJpeg(640, 480), "jpeg");
    h.startWorker();
    await h.queue.enqueue("process-image", { imageId: image.id });

    await eventually(async () => receiver.received.some((request) => request.answered === 204), 30_000, "an accepted delivery");
    // Give a stray duplicate time to show up: the job has completed once its log says so.
    await eventually(async () => (await h.repositories.webhooks.listDeliveries(endpoint.id, 10)).some((entry) => entry.ok), 10_000, "the delivery log");
    expect(receiver.received.map((request) => request.answered)).toEqual([500, 503, 204]);
    const ids = new Set(receiver.received.map((request) => request.headers["webhook-id"]));
    expect(ids.size).toBe(1);

    const accepted = receiver.received[2]!;
    const signature = { id: String(accepted.headers["webhook-id"]), timestamp: String(accepted.headers["webhook-timestamp"]), signature: String(accepted.headers["webhook-signature"]) };
    expect(signature.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(secret, signature, accepted.body)).toBe(true);
    expect(verifyWebhook(secret, signature, accepted.body.replace("ready", "rejected"))).toBe(false);
    expect(Math.abs(Number(signature.timestamp) - Date.now() / 1000)).toBeLessThan(120);

    const event = JSON.parse(accepted.body);
    const ready = await h.repositories.images.find(image.id);
    expect(event).toMatchObject({ id: signature.id, type: "image.ready", version: 1, timestamp: expect.any(String) });
    expect(event.data).toMatchObject({
      imageId: image.id,
      productId: product.id,
      url: image.url,
      width: 640,
      height: 480,
      placeholder: ready?.placeholder,
      dominantColor: ready?.dominantColor,
    });
    expect(event.data.derivatives.length).toBe(ready?.derivatives.length);
    expect(event.data.derivatives[0].url).toMatch(/^http/);

    const log = await h.repositories.webhooks.listDeliveries(endpoint.id, 10);
    expect(log.map((entry) => [entry.attempt, entry.status, entry.ok])).toEqual([
      [3, 204, true],
      [2, 503, false],
      [1, 500, false],
    ]);
    expect(bystander.received).toEqual([]);
    expect(deletedOnly.received).toEqual([]);

    // A company with no endpoint for an event type has nothing recorded for it.
    const other = await h.repositories.products.create("initech", { name: "Stapler", sku: null, images: [] });
    const quiet = await h.stageUpload(other, await plainJpeg(64, 48), "jpeg");
    await h.queue.enqueue("process-image", { imageId: quiet.id });
    await eventually(async () => (await h.repositories.images.find(quiet.id))?.status === "ready", 30_000, "the other image ready");
    expect(await h.repositories.webhooks.findEvent(`evt_ready_${quiet.id}`)).toBeNull();
  });

  it("image.rejected carries the removed URL and the reason; a redirect is never followed", async () => {
    const h = await createHarness(`webhooks rejected ${store}`, FAST_RETRIES, store);
    harness = h;
    const redirecting = await startReceiver([302, 204]);
    closers.push(redirecting.close);
    const { endpoint } = await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url: redirecting.url, events: ["image.rejected"] }, guard(h));
    const product = await h.createProduct();
    const image = await h.stageUpload(product, HTML, "png");
    h.startWorker();
    await h.queue.enqueue("process-image", { imageId: image.id });
    await eventually(async () => redirecting.received.length >= 2, 30_000, "a retried delivery");
    const log = await h.repositories.webhooks.listDeliveries(endpoint.id, 10);
    expect(log.at(-1)).toMatchObject({ status: 302, ok: false, error: "redirect refused (HTTP 302)" });
    const event = JSON.parse(redirecting.received[1]!.body);
    expect(event).toMatchObject({ type: "image.rejected", data: { imageId: image.id, productId: product.id, removedUrl: image.url, reason: "not_an_image" } });
    expect(event.data.detail.length).toBeGreaterThan(0);
  });

  it("image.deleted once a removed image's objects are freed", async () => {
    const h = await createHarness(`webhooks deleted ${store}`, FAST_RETRIES, store);
    harness = h;
    const receiver = await startReceiver([204]);
    closers.push(receiver.close);
    await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url: receiver.url, events: ["image.deleted"] }, guard(h));
    const product = await h.createProduct();
    const image = await h.stageUpload(product, await plainJpeg(64, 48), "jpeg");
    // What the API's DELETE does: drop the entry, mark the image removed, queue its deletion.
    await h.repositories.products.change(product.companyId, product.id, (current) => ({ change: { kind: "update", fields: { ...current, images: [] } }, result: null }));
    await h.repositories.images.transition(image.id, ["processing"], "removed");
    h.startWorker();
    await h.queue.enqueue("delete-image", { imageId: image.id });
    await eventually(async () => receiver.received.length >= 1, 30_000, "the image.deleted delivery");
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ id: `evt_deleted_${image.id}`, type: "image.deleted", data: { imageId: image.id, productId: product.id, url: image.url } });
  });

  it("a receiver that never answers is cut off at WEBHOOK_TIMEOUT_MS and retried", async () => {
    const h = await createHarness(`webhooks timeout ${store}`, { ...FAST_RETRIES, WEBHOOK_TIMEOUT_MS: "300" }, store);
    harness = h;
    const hanging = createServer(() => {}); // takes the request, never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    closers.push(async () => {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    });
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hooks`;
    const { endpoint } = await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url, events: ["image.ready"] }, guard(h));
    const product = await h.createProduct();
    const image = await h.stageUpload(product, await plainJpeg(64, 48), "jpeg");
    h.startWorker();
    await h.queue.enqueue("process-image", { imageId: image.id });
    const log = await eventually(async () => {
      const entries = await h.repositories.webhooks.listDeliveries(endpoint.id, 10);
      return entries.length >= 2 ? entries : undefined;
    }, 30_000, "two timed-out attempts");
    for (const entry of log) expect(entry).toMatchObject({ status: null, ok: false, error: "timed out after 300 ms" });
    expect(log.every((entry) => entry.latencyMs >= 250)).toBe(true);
  });

  it("a receiver down for longer than the retry window gets its endpoint disabled, with the reason", async () => {
    const h = await createHarness(`webhooks down ${store}`, { ...FAST_RETRIES, WEBHOOK_RETRY_WINDOW_MS: "1500" }, store);
    harness = h;
    const closedPort = await findFreePort();
    const { endpoint } = await registerWebhookEndpoint(
      h.repositories.webhooks,
      { companyId: COMPANY, url: `http://127.0.0.1:${closedPort}/hooks`, events: ["image.ready"] },
      guard(h),
    );
    const product = await h.createProduct();
    const image = await h.stageUpload(product, await plainJpeg(64, 48), "jpeg");
    h.startWorker();
    await h.queue.enqueue("process-image", { imageId: image.id });
    const disabled = await eventually(async () => {
      const current = await h.repositories.webhooks.findEndpoint(endpoint.id);
      return current?.disabledAt ? current : undefined;
    }, 30_000, "the endpoint disabled");
    expect(disabled.disabledReason).toMatch(/failed for longer than the retry window \(2 s\); last: /);
    const log = await h.repositories.webhooks.listDeliveries(endpoint.id, 50);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((entry) => entry.status === null && !entry.ok && entry.error)).toBe(true);
  });
});

describe("the worker process (main.ts)", () => {
  it("delivers on its webhooks queue with its configured backoff, the secret sealed with WEBHOOK_SECRET_KEY", async () => {
    const env = { ...FAST_RETRIES, WEBHOOK_SECRET_KEY: "cd".repeat(32) };
    const h = await createHarness("webhooks process", env);
    harness = h;
    const receiver = await startReceiver([500, 204]);
    closers.push(receiver.close);
    const { secret } = await registerWebhookEndpoint(h.repositories.webhooks, { companyId: COMPANY, url: receiver.url, events: ["image.ready"] }, guard(h));
    const worker = await spawnWorker(h.env);
    closers.push(async () => {
      worker.child.kill("SIGTERM");
      await worker.exited;
    });
    const product = await h.createProduct();
    const image = await h.stageUpload(product, await plainJpeg(64, 48), "jpeg");
    await h.queue.enqueue("process-image", { imageId: image.id });
    await eventually(async () => receiver.received.some((request) => request.answered === 204), 30_000, "the accepted delivery");
    const accepted = receiver.received.at(-1)!;
    const headers = { id: String(accepted.headers["webhook-id"]), timestamp: String(accepted.headers["webhook-timestamp"]), signature: String(accepted.headers["webhook-signature"]) };
    expect(headers.id).toBe(`evt_ready_${image.id}`);
    expect(verifyWebhook(secret, headers, accepted.body)).toBe(true);
    expect(receiver.received.map((request) => request.answered)).toEqual([500, 204]);
  });
});

describe("the SSRF guard", () => {
  it("refuses private, loopback and link-local addresses, and http, unless the loopback flag allows loopback", async () => {
    for (const url of ["https://10.1.2.3/x", "https://192.168.0.10/x", "https://172.20.0.1/x", "https://169.254.169.254/latest", "https://[fe80::1]/x", "https://[::ffff:10.0.0.1]/x", "https://100.64.0.1/x"]) {
      await expect(checkWebhookUrl(url, true), url).rejects.toThrow(/private, loopback or link-local/);
    }
    await expect(checkWebhookUrl("https://127.0.0.1/x", false)).rejects.toBeInstanceOf(WebhookUrlError);
    await expect(checkWebhookUrl("http://127.0.0.1:9/x", false)).rejects.toThrow(/must be https/);
    await expect(checkWebhookUrl("https://localhost/x", false)).rejects.toThrow(/private, loopback or link-local/);
    await expect(checkWebhookUrl("http://93.184.215.14/x", true)).rejects.toThrow(/must point at a loopback address/);
    await expect(checkWebhookUrl("https://user:pw@example.com/x", true)).rejects.toThrow(/credentials/);
    expect(await checkWebhookUrl("http://127.0.0.1:9/x", true)).toEqual(["127.0.0.1"]);
    expect(await checkWebhookUrl("https://93.184.215.14/x", false)).toEqual(["93.184.215.14"]);
    // A name that resolves to a private address is refused like the address itself.
    await expect(checkWebhookUrl("https://hooks.internal.test/x", false, async () => ["10.0.0.7"])).rejects.toThrow(/10\.0\.0\.7/);
  });
});
