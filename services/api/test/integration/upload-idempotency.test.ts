import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort } from "@ingest/provision";
import { TEST_STORES, type TestStore, testServiceEnv, testServices } from "@ingest/provision/testing";
import { afterEach, describe, expect, it } from "vitest";
import { IDEMPOTENCY_KEY_FORMAT_MESSAGE, IDEMPOTENCY_KEY_REUSED_MESSAGE } from "../../src/errors/error-messages.ts";
import { startApiProcess } from "../support/api-process.ts";
import { call, multipartBody, type Reply } from "../support/http.ts";
import { imageBytes, NOT_IMAGES } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CRASH_MAIN = fileURLToPath(new URL("../support/crash-after-append.main.ts", import.meta.url));

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One upload with an Idempotency-Key, over a real socket. */
async function uploadWithKey(baseUrl: string, token: string, productId: string, data: Buffer, key: string | undefined): Promise<Reply> {
  const { body, contentType } = multipartBody([{ name: "file", data, filename: "photo.png", type: "image/png" }]);
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, "content-type": contentType };
  if (key !== undefined) headers["idempotency-key"] = key;
  const response = await fetch(`${baseUrl}/api/v1/products/${productId}/images`, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text === "" ? null : JSON.parse(text) };
}

/** What a careful client does: a 409 (the first request is in flight) is retried after a pause, a bounded number of times. */
async function uploadUntilAnswered(baseUrl: string, token: string, productId: string, data: Buffer, key: string): Promise<{ reply: Reply; conflicts: number }> {
  for (let conflicts = 0; conflicts < 100; conflicts++) {
    const reply = await uploadWithKey(baseUrl, token, productId, data, key);
    if (reply.status !== 409) return { reply, conflicts };
    expect(reply.headers.get("retry-after")).toMatch(/^[0-9]+$/);
    await sleep(100);
  }
  throw new Error("still 409 after 100 retries");
}

async function setUp(store: TestStore, env: Record<string, string> = {}) {
  const app = await startTestApp(`idempotency ${store}`, env, {}, store);
  t = app;
  const tenant = await createTenant(app.repositories);
  const newProduct = async (owner: Tenant = tenant, imageUrls: string[] = []): Promise<string> =>
    (await call(app.baseUrl, "POST", "/api/v1/products", { token: owner.key, json: { name: "Battery", imageUrls } })).body.id;
  const product = (id: string, owner: Tenant = tenant) => call(app.baseUrl, "GET", `/api/v1/products/${id}`, { token: owner.key });
  const records = (id: string, owner: Tenant = tenant) => app.repositories.images.findForProduct(owner.companyId, id);
  return { app, tenant, newProduct, product, records };
}

describe.each(TEST_STORES)("Idempotency-Key on uploads, on the %s store", (store) => {
  it("20 concurrent requests with one key and one file create exactly one image; every answer is the same 201", async () => {
    const { app, tenant, newProduct, product, records } = await setUp(store);
    const id = await newProduct();
    const png = await imageBytes("png");
    const answers = await Promise.all(Array.from({ length: 20 }, () => uploadUntilAnswered(app.baseUrl, tenant.key, id, png, "order-4711-photo-1")));
    const replies = answers.map((answer) => answer.reply);
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(1);
    expect(new Set(replies.map((reply) => reply.headers.get("etag"))).size).toBe(1);
    // One request did the work; every other answer is its stored answer.
    expect(replies.filter((reply) => reply.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(replies.filter((reply) => reply.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    const current = await product(id);
    expect(current.body.imageUrls).toEqual([replies[0]?.body.imageUrl]);
    expect(await records(id)).toHaveLength(1);
    expect(replies[0]?.headers.get("etag")).toBe(current.headers.get("etag"));
  });

  it("the same key with another file is 422 and creates nothing; a 4xx is not stored, so a fixed request may reuse its key", async () => {
    const { app, tenant, newProduct, product, records } = await setUp(store);
    const id = await newProduct();
    const first = await uploadWithKey(app.baseUrl, tenant.key, id, await imageBytes("png"), "k-1");
    expect(first.status).toBe(201);
    const other = await uploadWithKey(app.baseUrl, tenant.key, id, await imageBytes("png", 40, 30), "k-1");
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ error: IDEMPOTENCY_KEY_REUSED_MESSAGE });
    const otherProduct = await newProduct();
    expect((await uploadWithKey(app.baseUrl, tenant.key, otherProduct, await imageBytes("png"), "k-1")).status).toBe(422);
    expect((await product(id)).body.imageUrls).toEqual([first.body.imageUrl]);
    expect(await records(otherProduct)).toEqual([]);

    const refused = await uploadWithKey(app.baseUrl, tenant.key, id, NOT_IMAGES.html, "k-2");
    expect(refused.status).toBe(415);
    const fixed = await uploadWithKey(app.baseUrl, tenant.key, id, await imageBytes("jpeg"), "k-2");
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
    expect((await product(id)).body.imageUrls).toHaveLength(2);
  });

  it("replays the 201 even when that upload filled the product to 20; a malformed key is 400", async () => {
    const { app, tenant, newProduct, product } = await setUp(store);
    const id = await newProduct(tenant, Array.from({ length: 19 }, (_, i) => `https://cdn.example.com/${i}.jpg`));
    const png = await imageBytes("png");
    const first = await uploadWithKey(app.baseUrl, tenant.key, id, png, "last-slot");
    expect(first.status).toBe(201);
    const again = await uploadWithKey(app.baseUrl, tenant.key, id, png, "last-slot");
    expect({ status: again.status, text: again.text, etag: again.headers.get("etag"), replayed: again.headers.get("idempotent-replayed") }).toEqual({
      status: 201,
      text: first.text,
      etag: first.headers.get("etag"),
      replayed: "true",
    });
    expect((await uploadWithKey(app.baseUrl, tenant.key, id, png, "fresh")).status).toBe(422);
    expect((await product(id)).body.imageUrls).toHaveLength(20);

    const tooLong = await uploadWithKey(app.baseUrl, tenant.key, await newProduct(), png, "x".repeat(256));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({ error: IDEMPOTENCY_KEY_FORMAT_MESSAGE });
  });

  it("keys are per company, an expired key makes a new image, and without the header every upload is new", async () => {
    const { app, tenant, newProduct, product, records } = await setUp(store, { IDEMPOTENCY_TTL_MS: "1000" });
    const id = await newProduct();
    const png = await imageBytes("png");
    const first = await uploadWithKey(app.baseUrl, tenant.key, id, png, "shared-key");
    expect(first.status).toBe(201);
    const rival = await createTenant(app.repositories);
    const rivalProduct = await newProduct(rival);
    const theirs = await uploadWithKey(app.baseUrl, rival.key, rivalProduct, png, "shared-key");
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.text).not.toContain(tenant.companyId);

    await sleep(1_100);
    const afterExpiry = await uploadWithKey(app.baseUrl, tenant.key, id, png, "shared-key");
    expect(afterExpiry.status).toBe(201);
    expect(afterExpiry.headers.get("idempotent-replayed")).toBeNull();
    expect(afterExpiry.body.imageUrl).not.toBe(first.body.imageUrl);

    const plain = [await uploadWithKey(app.baseUrl, tenant.key, id, png, undefined), await uploadWithKey(app.baseUrl, tenant.key, id, png, undefined)];
    expect(plain.map((reply) => [reply.status, reply.headers.get("idempotent-replayed")])).toEqual([
      [201, null],
      [201, null],
    ]);
    expect((await product(id)).body.imageUrls).toHaveLength(4);
    expect(await records(id)).toHaveLength(4);
  });

  it("the API killed between the append and the 201: the retry with the same key gets the committed image's 201, and no second image", async () => {
    const env = { IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS: "1000" };
    const { app, tenant, newProduct, product, records } = await setUp(store, env);
    const id = await newProduct();
    const png = await imageBytes("png");
    const port = await findFreePort();
    const crashing = await startApiProcess({ ...testServiceEnv(testServices(), app.names, store), LOG_LEVEL: "silent", ...env }, port, CRASH_MAIN);
    try {
      await expect(uploadWithKey(crashing.baseUrl, tenant.key, id, png, "crash-1")).rejects.toThrow();
      expect(await crashing.exited).toBeNull(); // killed by a signal, not an exit
      expect(crashing.child.signalCode).toBe("SIGKILL");
    } finally {
      await crashing.stop();
    }
    const committed = (await product(id)).body.imageUrls;
    expect(committed).toHaveLength(1);

    const { reply } = await uploadUntilAnswered(app.baseUrl, tenant.key, id, png, "crash-1");
    expect(reply.status).toBe(201);
    expect(reply.headers.get("idempotent-replayed")).toBe("true");
    expect(reply.body.imageUrl).toBe(committed[0]);
    expect(reply.body.imageUrls).toEqual(committed);
    expect(reply.headers.get("etag")).toBe((await product(id)).headers.get("etag"));
    expect(await records(id)).toHaveLength(1);
    // And from now on the stored answer, byte for byte.
    const again = await uploadWithKey(app.baseUrl, tenant.key, id, png, "crash-1");
    expect(again.text).toBe(reply.text);
    expect((await product(id)).body.imageUrls).toEqual(committed);
  });
});
