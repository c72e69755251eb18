import { readFile } from "node:fs/promises";
import { generateApiKey } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, multipartBody, postForm, type Reply, toReply, uploadImage } from "../support/http.ts";
import { imageBytes, NOT_IMAGES, padTo } from "../support/images.ts";
import { createContractChecker, documentedExamples, publishedBodies } from "../support/openapi-contract.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const PAGE = new URL("../e2e/fixtures/upload-product-image.en.md", import.meta.url);
const UPLOAD = "/api/v1/products/{id}/images";

let t: TestApp;
let tenant: Tenant;
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document as JSON
let spec: any;
let checker: ReturnType<typeof createContractChecker>;

beforeAll(async () => {
  t = await startTestApp("openapi contract");
  tenant = await createTenant(t.repositories);
  const docs = await fetch(`${t.baseUrl}/docs/json`);
  expect(docs.status).toBe(200);
  spec = await docs.json();
  checker = createContractChecker(spec);
});
afterAll(() => t.close());

/** Sends, checks the reply against the document, and hands it back. */
async function live(method: string, template: string, send: () => Promise<Reply>, expected: number): Promise<Reply> {
  const reply = await send();
  expect(reply.status, reply.text).toBe(expected);
  checker.check(method, template, reply);
  return reply;
}

const product = (key = tenant.key, json: unknown = { name: "Battery" }) => call(t.baseUrl, "POST", "/api/v1/products", { token: key, json });

describe("live responses match the OpenAPI document", () => {
  it("products: every documented status the routes answer", async () => {
    const created = await live("POST", "/api/v1/products", () => product(), 201);
    const id = created.body.id as string;
    await live("POST", "/api/v1/products", () => product(tenant.key, {}), 400);
    await live("POST", "/api/v1/products", () => product(tenant.readKey), 403);
    await live("POST", "/api/v1/products", () => call(t.baseUrl, "POST", "/api/v1/products", { json: { name: "x" } }), 401);
    await live("GET", "/api/v1/products", () => call(t.baseUrl, "GET", "/api/v1/products", { token: tenant.key }), 200);
    await live("GET", "/api/v1/products", () => call(t.baseUrl, "GET", "/api/v1/products?limit=1000", { token: tenant.key }), 400);
    await live("GET", "/api/v1/products", () => call(t.baseUrl, "GET", "/api/v1/products", { authorization: "Basic abc" }), 401);
    await live("GET", "/api/v1/products/:id", () => call(t.baseUrl, "GET", `/api/v1/products/${id}`, { token: tenant.key }), 200);
    await live("GET", "/api/v1/products/:id", () => call(t.baseUrl, "GET", "/api/v1/products/nope", { token: tenant.key }), 404);
    await live("PATCH", "/api/v1/products/:id", () => call(t.baseUrl, "PATCH", `/api/v1/products/${id}`, { token: tenant.key, json: { name: "Cell" } }), 200);
    await live("PATCH", "/api/v1/products/:id", () => call(t.baseUrl, "PATCH", `/api/v1/products/${id}`, { token: tenant.key, json: { imageUrls: ["ftp://x"] } }), 400);
    await live(
      "PATCH",
      "/api/v1/products/:id",
      () => call(t.baseUrl, "PATCH", `/api/v1/products/${id}`, { token: tenant.key, json: { name: "Old" }, headers: { "if-match": '"1"' } }),
      412,
    );
    await live("PATCH", "/api/v1/products/:id", () => call(t.baseUrl, "PATCH", `/api/v1/products/${"0".repeat(24)}`, { token: tenant.key, json: { name: "x" } }), 404);
    await live("DELETE", "/api/v1/products/:id", () => call(t.baseUrl, "DELETE", `/api/v1/products/${id}`, { token: tenant.key, headers: { "if-match": '"1"' } }), 412);
    await live("DELETE", "/api/v1/products/:id", () => call(t.baseUrl, "DELETE", `/api/v1/products/${id}`, { token: tenant.key }), 204);
    await live("DELETE", "/api/v1/products/:id", () => call(t.baseUrl, "DELETE", `/api/v1/products/${id}`, { token: tenant.key }), 404);
  });

  it("images: upload, status list and removal", async () => {
    const id = (await product()).body.id as string;
    const png = await imageBytes("png");
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.key, id, png), 201);
    await live("POST", "/api/v1/products/:id/images", () => postForm(t.baseUrl, `/api/v1/products/${id}/images`, tenant.key, [{ name: "other", data: "x" }]), 400);
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.key, id, padTo(png, 5 * 1024 * 1024 + 1)), 413);
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.key, id, NOT_IMAGES.html), 415);
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.key, "0".repeat(24), png), 404);
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.readKey, id, png), 403);
    const full = (await product(tenant.key, { name: "Full", imageUrls: Array.from({ length: 20 }, (_, i) => `https://cdn.example.com/${i}.jpg`) })).body.id;
    await live("POST", "/api/v1/products/:id/images", () => uploadImage(t.baseUrl, tenant.key, full, png), 422);
    const keyed = (data: Buffer) => {
      const { body, contentType } = multipartBody([{ name: "file", data, filename: "a.png", type: "image/png" }]);
      const headers = { authorization: `Bearer ${tenant.key}`, "content-type": contentType, "idempotency-key": "openapi-1" };
      return async () => toReply(await fetch(`${t.baseUrl}/api/v1/products/${id}/images`, { method: "POST", headers, body }));
    };
    await live("POST", "/api/v1/products/:id/images", keyed(png), 201);
    const replayed = await live("POST", "/api/v1/products/:id/images", keyed(png), 201);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    await live("POST", "/api/v1/products/:id/images", keyed(await imageBytes("png", 8, 8)), 422);

    await live("GET", "/api/v1/products/:id/images", () => call(t.baseUrl, "GET", `/api/v1/products/${id}/images`, { token: tenant.key }), 200);
    await live("GET", "/api/v1/products/:id/images", () => call(t.baseUrl, "GET", "/api/v1/products/nope/images", { token: tenant.key }), 404);
    const remove = (index: string, headers: Record<string, string> = {}) =>
      call(t.baseUrl, "DELETE", `/api/v1/products/${id}/images/${index}`, { token: tenant.key, headers });
    await live("DELETE", "/api/v1/products/:id/images/:index", () => remove("x"), 400);
    await live("DELETE", "/api/v1/products/:id/images/:index", () => remove("7"), 404);
    await live("DELETE", "/api/v1/products/:id/images/:index", () => remove("0", { "if-match": '"1"' }), 412);
    await live("DELETE", "/api/v1/products/:id/images/:index", () => remove("0"), 200);
  });

  it("webhooks: register, list, remove", async () => {
    const register = (json: unknown) => () => call(t.baseUrl, "POST", "/api/v1/webhooks", { token: tenant.key, json });
    const created = await live("POST", "/api/v1/webhooks", register({ url: "https://93.184.215.14/hooks", events: ["image.ready"] }), 201);
    await live("POST", "/api/v1/webhooks", register({ url: "https://10.0.0.7/hooks", events: ["image.ready"] }), 400);
    await live("POST", "/api/v1/webhooks", () => call(t.baseUrl, "POST", "/api/v1/webhooks", { token: tenant.readKey, json: { url: "https://93.184.215.14/x", events: ["image.ready"] } }), 403);
    await live("GET", "/api/v1/webhooks", () => call(t.baseUrl, "GET", "/api/v1/webhooks", { token: tenant.key }), 200);
    await live("DELETE", "/api/v1/webhooks/:id", () => call(t.baseUrl, "DELETE", `/api/v1/webhooks/${created.body.id}`, { token: tenant.key }), 204);
    await live("DELETE", "/api/v1/webhooks/:id", () => call(t.baseUrl, "DELETE", `/api/v1/webhooks/${created.body.id}`, { token: tenant.key }), 404);
  });

  it("429 once a credential's budget is spent, with Retry-After and x-ratelimit-*", async () => {
    const { key, lookupId, hash } = generateApiKey();
    const rateLimit = { max: 1, windowMs: 60_000 };
    await t.repositories.credentials.insertApiKey({ lookupId, companyId: tenant.companyId, name: "one", hash, scopes: ["products:read"], rateLimit });
    await live("GET", "/api/v1/products", () => call(t.baseUrl, "GET", "/api/v1/products", { token: key }), 200);
    await live("GET", "/api/v1/products", () => call(t.baseUrl, "GET", "/api/v1/products", { token: key }), 429);
  });

  it("health and files", async () => {
    await live("GET", "/healthz", () => call(t.baseUrl, "GET", "/healthz"), 200);
    await live("GET", "/readyz", () => call(t.baseUrl, "GET", "/readyz"), 200);
    await live("GET", "/files/*", () => call(t.baseUrl, "GET", "/files/nope.png"), 404);
  });

  it("the checker itself refuses an undocumented status, a body off its schema and a missing required header", () => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
      status,
      body,
      text: JSON.stringify(body),
      headers: new Headers(headers),
    });
    const fresh = createContractChecker(spec);
    expect(() => fresh.check("GET", "/api/v1/products/:id", reply(418, { error: "teapot" }))).toThrow(/does not list/);
    expect(() => fresh.check("GET", "/api/v1/products/:id", reply(404, { error: "x", extra: 1 }))).toThrow(/does not match/);
    expect(() => fresh.check("GET", "/api/v1/products/:id", reply(429, { error: "slow down" }))).toThrow(/retry-after is missing/);
    expect(() => fresh.check("GET", "/api/v1/products/:id", reply(404, { error: "x" }, { "x-ratelimit-limit": "many" }))).not.toThrow();
  });

  it("every /api/v1 operation in the document was exercised, and lists 401, 403, 429, 500 and 503", () => {
    for (const [path, operations] of Object.entries(spec.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        expect([...checker.seen].some((entry) => entry.startsWith(`${method.toUpperCase()} ${path} `)), `${method} ${path} exercised`).toBe(true);
        if (path.startsWith("/api/v1/")) expect(statuses).toEqual(expect.arrayContaining(["401", "403", "429", "500", "503"]));
        expect(statuses.some((status) => /X/i.test(status)), `${method} ${path} has no catch-all statuses`).toBe(false);
      }
    }
    const upload = spec.paths[UPLOAD].post;
    expect(upload.security).toEqual([{ bearerAuth: [] }]);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(upload.requestBody.content["multipart/form-data"].schema).toMatchObject({ required: ["file"], properties: { file: { type: "string", format: "binary" } } });
    expect(Object.keys(upload.responses[201].headers)).toEqual(expect.arrayContaining(["etag", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]));
    expect(Object.keys(upload.responses[429].headers)).toEqual(expect.arrayContaining(["retry-after", "x-ratelimit-limit"]));
    expect(Object.keys(upload.responses[503].headers)).toEqual(["retry-after"]);
    expect(Object.keys(spec.paths["/api/v1/products"].post.responses[201].headers)).toEqual(expect.arrayContaining(["etag", "location"]));
    for (const status of Object.keys(upload.responses)) expect(upload.responses[status].description).not.toBe("Default Response");
  });

  it("the upload's documented examples are the published page's bodies, verbatim, and the live replies equal them", async () => {
    const published = publishedBodies(await readFile(PAGE, "utf8"));
    expect([...published.keys()]).toEqual([201, 400, 413, 415, 422]);
    for (const status of [400, 413, 415, 422]) {
      expect(documentedExamples(spec, "POST", UPLOAD, status)).toContainEqual(published.get(status));
    }
    const id = (await product()).body.id as string;
    const png = await imageBytes("png");
    const full = (await product(tenant.key, { name: "Full", imageUrls: Array.from({ length: 20 }, (_, i) => `https://cdn.example.com/${i}.jpg`) })).body.id;
    const replies = {
      400: await postForm(t.baseUrl, `/api/v1/products/${id}/images`, tenant.key, [{ name: "other", data: "x" }]),
      413: await uploadImage(t.baseUrl, tenant.key, id, padTo(png, 5 * 1024 * 1024 + 1)),
      415: await uploadImage(t.baseUrl, tenant.key, id, NOT_IMAGES.pdf),
      422: await uploadImage(t.baseUrl, tenant.key, full, png),
    };
    for (const [status, reply] of Object.entries(replies)) {
      expect(reply.status).toBe(Number(status));
      expect(reply.text).toBe(JSON.stringify(published.get(Number(status))));
    }
    // The 201's published fields are there, with the published types.
    const created = await uploadImage(t.baseUrl, tenant.key, id, png);
    expect(Object.keys(published.get(201) as object)).toEqual(["imageUrl", "imageUrls"]);
    expect(created.body).toMatchObject({ imageUrl: expect.any(String), imageUrls: expect.arrayContaining([created.body.imageUrl]) });
  });
});
