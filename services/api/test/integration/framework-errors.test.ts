import { createServer } from "node:http";
import { connect } from "node:net";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverOptions } from "../../src/app.ts";
import { call } from "../support/http.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let tenant: Tenant;
let host: string;
let port: number;

beforeAll(async () => {
  t = await startTestApp("framework errors");
  tenant = await createTenant(t.repositories);
  const url = new URL(t.baseUrl);
  host = url.hostname;
  port = Number(url.port);
});
afterAll(async () => {
  await t.close();
});

/** Writes raw bytes on a fresh connection and returns everything the server sends until it closes. */
function rawExchange(target: { host: string; port: number }, bytes: Buffer | string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got: ${received}`));
    }, timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on("error", () => {});
    socket.write(bytes);
  });
}

function parseResponse(raw: string): { status: number; contentType: string; body: unknown } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "";
  return { status, contentType, body: JSON.parse(body) };
}

describe("errors raised before any route runs are { error } too", () => {
  it("431 when the headers are too large", async () => {
    const response = await fetch(`${t.baseUrl}/api/v1/products`, { headers: { authorization: `Bearer ${tenant.key}`, "x-big": "a".repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(await response.json()).toEqual({ error: "Request headers too large" });
  });

  it("400 for a control character in a header", async () => {
    const raw = await rawExchange({ host, port }, `GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n`);
    const response = parseResponse(raw);
    expect(response.status).toBe(400);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.body).toEqual({ error: "Malformed request: invalid character in a header" });
  });

  it("a product id of 200 (or 2,000) characters is 404 Product not found, like any malformed id", async () => {
    for (const length of [200, 2_000]) {
      const reply = await call(t.baseUrl, "GET", `/api/v1/products/${"a".repeat(length)}`, { token: tenant.key });
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ error: "Product not found" });
      expect(reply.text).not.toContain("aaaa");
    }
    const images = await call(t.baseUrl, "GET", `/api/v1/products/${"b".repeat(3_000)}/images`, { token: tenant.key });
    expect(images.status).toBe(404);
    expect(images.body).toEqual({ error: "Product not found" });
  });

  it("400 for a path with broken percent-encoding, without echoing it", async () => {
    const reply = await call(t.baseUrl, "GET", "/api/v1/products/%E0%A4%A", { token: tenant.key });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: "Malformed URL: invalid percent-encoding in the path" });
  });

  it("400 for JSON that does not parse", async () => {
    const response = await fetch(`${t.baseUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()) as object)).toEqual(["error"]);
  });

  it("408 when a request does not arrive in time", async () => {
    // The app's own server options, with a short timeout and a fast check (Node checks every 30 s by default).
    const app = Fastify({
      ...serverOptions(false),
      requestTimeout: 300,
      serverFactory: (handler) => createServer({ requestTimeout: 300, connectionsCheckingInterval: 50 }, handler),
    });
    app.post("/slow", async () => ({ ok: true }));
    await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const address = app.server.address();
      const target = { host: "127.0.0.1", port: typeof address === "object" && address ? address.port : 0 };
      const raw = await rawExchange(target, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      const response = parseResponse(raw);
      expect(response.status).toBe(408);
      expect(response.body).toEqual({ error: "Request timeout: the request did not arrive in time" });
    } finally {
      await app.close();
    }
  });
});

describe("JSON bodies are checked strictly", () => {
  const post = (body: string, contentType = "application/json") =>
    fetch(`${t.baseUrl}/api/v1/products`, { method: "POST", headers: { authorization: `Bearer ${tenant.key}`, "content-type": contentType }, body });

  it.each([
    ['{"name": ["x"]}', "body/name must be string"],
    ['{"name": 123}', "body/name must be string"],
    ['{"name": true}', "body/name must be string"],
    ['{"name": "x", "sku": 5}', "body/sku must be string,null"],
    ['{"name": "x", "imageUrls": "https://cdn.example.com/a.jpg"}', "body/imageUrls must be array"],
  ])("%s is 400, not coerced", async (body, error) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  it("a JSON body declared in another charset is 415; UTF-8 in any spelling is fine", async () => {
    const utf16 = await post('{"name":"x"}', "application/json; charset=utf-16");
    expect(utf16.status).toBe(415);
    expect(await utf16.json()).toEqual({ error: 'Unsupported charset "utf-16": send JSON as UTF-8' });
    for (const contentType of ["application/json; charset=UTF-8", 'application/json;charset="utf-8"', "application/json"]) {
      expect((await post('{"name":"x"}', contentType)).status).toBe(201);
    }
  });

  it("query strings are still read as numbers", async () => {
    const reply = await call(t.baseUrl, "GET", "/api/v1/products?limit=1", { token: tenant.key });
    expect(reply.status).toBe(200);
    expect(reply.body.products).toHaveLength(1);
    const bad = await call(t.baseUrl, "GET", "/api/v1/products?limit=many", { token: tenant.key });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: "querystring/limit must be integer" });
  });
});
