import { afterEach, describe, expect, it } from "vitest";
import { call, postForm, uploadImage } from "../support/http.ts";
import { imageBytes, NOT_IMAGES } from "../support/images.ts";
import { sampleValue } from "../support/metrics-text.ts";
import { streamUpload } from "../support/streaming-upload.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const UPLOAD_ROUTE = "/api/v1/products/:id/images";

describe("GET /metrics on the API", () => {
  it("counts requests by route template and status, upload bytes and rejections by reason", async () => {
    t = await startTestApp("api metrics");
    const app = t;
    const tenant = await createTenant(app.repositories);
    const productId = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
    const png = await imageBytes("png");
    expect((await uploadImage(app.baseUrl, tenant.key, productId, png)).status).toBe(201);
    expect((await uploadImage(app.baseUrl, tenant.key, productId, NOT_IMAGES.pdf)).status).toBe(415);
    expect((await postForm(app.baseUrl, `/api/v1/products/${productId}/images`, tenant.key, [{ name: "other", data: "x" }])).status).toBe(400);
    expect((await call(app.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key })).status).toBe(200);
    expect((await call(app.baseUrl, "GET", "/no/such/path")).status).toBe(404);

    const reply = await fetch(`${app.baseUrl}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();

    expect(sampleValue(text, "ingest_api_http_requests_total", { method: "POST", route: UPLOAD_ROUTE, status: "201" })).toBe(1);
    expect(sampleValue(text, "ingest_api_http_requests_total", { method: "POST", route: UPLOAD_ROUTE, status: "415" })).toBe(1);
    expect(sampleValue(text, "ingest_api_http_requests_total", { method: "GET", route: "/api/v1/products/:id", status: "200" })).toBe(1);
    expect(sampleValue(text, "ingest_api_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    // Raw URLs never become labels: the product id appears nowhere.
    expect(text).not.toContain(productId);
    expect(sampleValue(text, "ingest_api_http_request_duration_seconds_count", { route: UPLOAD_ROUTE, status: "201" })).toBe(1);
    expect(sampleValue(text, "ingest_api_upload_bytes_total")).toBe(png.length + NOT_IMAGES.pdf.length);
    expect(sampleValue(text, "ingest_api_rejections_total", { route: UPLOAD_ROUTE, status: "415", reason: "unsupported_type" })).toBe(1);
    expect(sampleValue(text, "ingest_api_rejections_total", { route: UPLOAD_ROUTE, status: "400", reason: "no_file" })).toBe(1);
    expect(text).toMatch(/^ingest_api_uploads_in_flight 0$/m);
    expect(text).toMatch(/^ingest_api_process_resident_memory_bytes \d+/m);
  });

  it("gauges uploads in flight and counts those refused by admission", async () => {
    t = await startTestApp("api metrics admission", { API_MAX_CONCURRENT_UPLOADS: "1" });
    const app = t;
    const tenant = await createTenant(app.repositories);
    const productId = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
    const scrape = async () => (await fetch(`${app.baseUrl}/metrics`)).text();

    const held = streamUpload({ url: `${app.baseUrl}/api/v1/products/${productId}/images`, token: tenant.key, fileBytes: 64 * 1024, pauseAfter: 1024 });
    held.reply.catch(() => {});
    try {
      await held.paused;
      // The server admits it once it has checked the product; the client has paused by then or soon after.
      let inFlight = 0;
      for (let attempt = 0; attempt < 200 && inFlight === 0; attempt++) {
        inFlight = sampleValue(await scrape(), "ingest_api_uploads_in_flight");
        if (inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(inFlight).toBe(1);
      const refused = await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
      expect(refused.status).toBe(503);
    } finally {
      held.resume();
    }
    expect((await held.reply).status).toBe(415); // zero-padded PNG signature: the bytes decide, not a full image
    const text = await scrape();
    expect(sampleValue(text, "ingest_api_uploads_refused_total", { reason: "admission" })).toBe(1);
    expect(sampleValue(text, "ingest_api_uploads_in_flight")).toBe(0);
    expect(sampleValue(text, "ingest_api_http_requests_total", { route: UPLOAD_ROUTE, status: "503" })).toBe(1);
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const token = "metrics-token-metrics-token";
    t = await startTestApp("api metrics token", { METRICS_TOKEN: token });
    const without = await call(t.baseUrl, "GET", "/metrics");
    expect(without.status).toBe(401);
    expect(without.body).toEqual({ error: "Missing or invalid metrics token" });
    expect(without.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await call(t.baseUrl, "GET", "/metrics", { token: `${token}x` })).status).toBe(401);
    const withToken = await call(t.baseUrl, "GET", "/metrics", { token });
    expect(withToken.status).toBe(200);
    expect(withToken.text).toContain("# TYPE ingest_api_http_requests_total counter");
  });
});
