import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { call, multipartBody, uploadImage } from "../support/http.ts";
import { imageBytes, padTo } from "../support/images.ts";
import { sampleValue } from "../support/metrics-text.ts";
import { streamUpload } from "../support/streaming-upload.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { listStoredKeys, startTestApp, type TestApp } from "../support/test-app.ts";

const TOO_LARGE = JSON.stringify({ error: "Image must be under 5MB" });
const FIFTY_MB = 50 * 1024 * 1024;

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp(env: Record<string, string> = {}): Promise<{ app: TestApp; tenant: Tenant; productId: string; url: string }> {
  const app = await startTestApp("upload limits", env);
  t = app;
  const tenant = await createTenant(app.repositories);
  const created = await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } });
  const productId = created.body.id as string;
  return { app, tenant, productId, url: `${app.baseUrl}/api/v1/products/${productId}/images` };
}

async function imageUrlsOf(app: TestApp, tenant: Tenant, productId: string): Promise<string[]> {
  return (await call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).body.imageUrls;
}

describe("bodies that must not be read whole", () => {
  it("a 50 MB upload with a Content-Length is refused 413 before its body is read, and the connection closes", async () => {
    const { app, tenant, productId, url } = await setUp();
    const reply = await streamUpload({ url, token: tenant.key, fileBytes: FIFTY_MB }).reply;
    expect(reply.status).toBe(413);
    expect(reply.body).toBe(TOO_LARGE);
    expect(reply.headers.connection).toBe("close");
    expect(reply.bytesSentAtReply).toBeLessThan(FIFTY_MB / 2);
    expect(await listStoredKeys(app.storage)).toEqual([]);
    expect(await imageUrlsOf(app, tenant, productId)).toEqual([]);
  });

  it("a 50 MB chunked upload (no Content-Length) is refused 413 once 5 MiB have streamed past", async () => {
    const { app, tenant, productId, url } = await setUp();
    const reply = await streamUpload({ url, token: tenant.key, fileBytes: FIFTY_MB, chunked: true }).reply;
    expect(reply.status).toBe(413);
    expect(reply.body).toBe(TOO_LARGE);
    expect(reply.headers.connection).toBe("close");
    expect(reply.bytesSentAtReply).toBeLessThan(FIFTY_MB / 2);
    expect(await listStoredKeys(app.storage)).toEqual([]);
    expect(await imageUrlsOf(app, tenant, productId)).toEqual([]);
    // The server is fine afterwards.
    expect((await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"))).status).toBe(201);
  });

  it("a doomed upload (no credentials, full product) is answered before its body is sent", async () => {
    const { app, tenant, productId, url } = await setUp();
    const unauthenticated = await streamUpload({ url, fileBytes: FIFTY_MB, chunked: true }).reply;
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.bytesSentAtReply).toBeLessThan(FIFTY_MB / 2);

    const imageUrls = Array.from({ length: 20 }, (_, i) => `https://cdn.example.com/${i}.png`);
    await call(app.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { imageUrls } });
    const full = await streamUpload({ url, token: tenant.key, fileBytes: 4 * 1024 * 1024, pauseAfter: 0 }).reply;
    // The client held its file back: the 422 can only have come before the body was read.
    expect(full.status).toBe(422);
    expect(JSON.parse(full.body)).toEqual({ error: "Product already has 20 images (max). Delete one first." });
  });

  it("a client that goes away mid-file leaves nothing behind, and the server carries on", async () => {
    const { app, tenant, productId, url } = await setUp();
    const upload = streamUpload({ url, token: tenant.key, fileBytes: 3 * 1024 * 1024, pauseAfter: 1024 * 1024 });
    upload.reply.catch(() => {});
    await upload.paused;
    await sleep(100);
    upload.abort();
    await expect(upload.reply).rejects.toThrow();
    expect((await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("jpeg"))).status).toBe(201);
    expect(await imageUrlsOf(app, tenant, productId)).toHaveLength(1);
    expect(await listStoredKeys(app.storage)).toHaveLength(1);
  });
});

describe("Expect: 100-continue", () => {
  /** Sends the headers, and the body only if the server says `100 Continue` (as curl does for big files). */
  function expectingUpload(url: string, token: string, file: Buffer): Promise<{ status: number; body: string; continued: boolean }> {
    const { body, contentType } = multipartBody([{ name: "file", data: file, filename: "a.png", type: "image/png" }]);
    return new Promise((resolve, reject) => {
      let continued = false;
      const req = request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType, "content-length": body.length, expect: "100-continue" },
      });
      req.on("continue", () => {
        continued = true;
        req.end(body);
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), continued }));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
  }

  it("a doomed upload is refused before the client sends its file; an admitted one is told to continue", async () => {
    const { app, tenant, productId, url } = await setUp();
    const png = padTo(await imageBytes("png"), 2 * 1024 * 1024);
    const ok = await expectingUpload(url, tenant.key, png);
    expect(ok).toMatchObject({ status: 201, continued: true });

    const readOnly = await expectingUpload(url, tenant.readKey, png);
    expect(readOnly).toMatchObject({ status: 403, continued: false });
    const imageUrls = Array.from({ length: 20 }, (_, i) => `https://cdn.example.com/${i}.png`);
    await call(app.baseUrl, "PATCH", `/api/v1/products/${productId}`, { token: tenant.key, json: { imageUrls } });
    const full = await expectingUpload(url, tenant.key, png);
    expect(full).toMatchObject({ status: 422, continued: false });
    expect(JSON.parse(full.body)).toEqual({ error: "Product already has 20 images (max). Delete one first." });
  });

  it("JSON routes still get their body", async () => {
    const { app, tenant } = await setUp();
    const body = JSON.stringify({ name: "Expecting" });
    const reply = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.baseUrl}/api/v1/products`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
      });
      req.on("continue", () => req.end(body));
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(reply).toBe(201);
  });
});

describe("admission", () => {
  it("past API_MAX_CONCURRENT_UPLOADS an upload gets 503 with Retry-After; the slot frees when the upload ends", async () => {
    const { app, tenant, productId, url } = await setUp({ API_MAX_CONCURRENT_UPLOADS: "1" });
    const slow = streamUpload({ url, token: tenant.key, fileBytes: 64 * 1024, pauseAfter: 1024, head: await imageBytes("png") });
    await slow.paused;
    const png = await imageBytes("png");
    // The slow upload is admitted once the server has read its headers: wait until the in-flight
    // gauge says so (polling with uploads instead could fill the product to its cap first).
    for (let attempt = 0; attempt < 400; attempt++) {
      if (sampleValue((await call(app.baseUrl, "GET", "/metrics")).text, "ingest_api_uploads_in_flight") === 1) break;
      await sleep(25);
    }
    let refused: Awaited<ReturnType<typeof uploadImage>> | undefined;
    for (let attempt = 0; attempt < 500 && !refused; attempt++) {
      const reply = await uploadImage(app.baseUrl, tenant.key, productId, png);
      if (reply.status === 503) refused = reply;
      else await sleep(20);
    }
    expect(refused?.body).toEqual({ error: "Too many uploads in progress; retry shortly." });
    expect(refused?.headers.get("retry-after")).toBe("1");

    slow.resume();
    const finished = await slow.reply;
    expect(finished.status).toBe(201);
    expect((await uploadImage(app.baseUrl, tenant.key, productId, png)).status).toBe(201);
  });
});
