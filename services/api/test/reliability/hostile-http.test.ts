import { recordFinding, reliabilityProfile } from "@ingest/provision/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { expectHonest } from "./support/honest-reply.ts";
import { rawRequest, requestBytes } from "./support/raw-http.ts";

/**
 * Hostile HTTP against the real app (real database, bucket and queue), over raw sockets so that
 * nothing is tidied up on the way: property-based (fast-check) and mutation fuzzing of multipart
 * bodies, headers, ids, JSON and query strings. Held to: no 5xx but a deliberate 503, every error
 * body `{ "error": "..." }`, nothing of another tenant ever shown, no prototype polluted, and
 * memory bounded.
 */
const profile = reliabilityProfile();
const SUITE = "hostile HTTP";
let t: TestApp;
let port: number;
let tenant: Tenant;
let victim: Tenant;
let victimProductId: string;
const VICTIM_SECRET = "victim-secret-name-7f3a";
let png: Buffer;
let rssBefore: number;

beforeAll(async () => {
  // No per-credential rate limit (its own tests cover it): thousands of requests from one key
  // must reach the parsers, not a 429.
  t = await startTestApp("hostile http", { API_UPLOAD_RATE_WINDOW_MS: "1000", API_UPLOAD_MIN_KIB_PER_WINDOW: "1", RATE_LIMIT_ENABLED: "false" });
  port = Number(new URL(t.baseUrl).port);
  tenant = await createTenant(t.repositories);
  victim = await createTenant(t.repositories);
  victimProductId = (await call(t.baseUrl, "POST", "/api/v1/products", { token: victim.key, json: { name: VICTIM_SECRET, sku: VICTIM_SECRET } })).body.id;
  png = await imageBytes("png", 16, 16);
  rssBefore = process.memoryUsage().rss;
});
afterAll(async () => {
  await t?.close();
});

async function newProduct(): Promise<string> {
  return (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Fuzz" } })).body.id;
}

function auth(token: string): [string, string] {
  return ["Authorization", `Bearer ${token}`];
}

// ---- multipart bodies -------------------------------------------------------------------------

const partName = fc.oneof(
  fc.constantFrom("file", "image", "__proto__", "constructor", "prototype", "hasOwnProperty", 'file"; filename="x.png', "file\r\nX-Injected: 1", ""),
  fc.string({ maxLength: 40 }),
);
const partType = fc.option(
  fc.constantFrom(
    "image/png",
    "image/apng",
    "text/plain",
    "application/octet-stream",
    "application/json",
    "multipart/mixed; boundary=inner",
    "image/png\u0000",
    "image/svg+xml",
    "x".repeat(5000),
  ),
  { nil: undefined },
);
const partFilename = fc.option(fc.constantFrom("a.png", "../../etc/passwd", "\u0000.png", "x".repeat(3000), "%2e%2e%2f.png", "naïve.png"), { nil: undefined });

interface Part {
  readonly name: string;
  readonly filename: string | undefined;
  readonly type: string | undefined;
  readonly data: "png" | "nested" | Uint8Array | string;
  readonly extraHeaderBytes: number;
}
const part: fc.Arbitrary<Part> = fc.record({
  name: partName,
  filename: partFilename,
  type: partType,
  data: fc.oneof(fc.constant("png" as const), fc.constant("nested" as const), fc.uint8Array({ maxLength: 2048 }), fc.string({ maxLength: 200 })),
  extraHeaderBytes: fc.constantFrom(0, 0, 0, 100, 20_000, 100_000),
});

function encodePart(boundary: string, p: Part): Buffer {
  const disposition = `form-data; name="${p.name}"${p.filename === undefined ? "" : `; filename="${p.filename}"`}`;
  const lines = [`--${boundary}`, `Content-Disposition: ${disposition}`];
  if (p.type !== undefined) lines.push(`Content-Type: ${p.type}`);
  if (p.extraHeaderBytes > 0) lines.push(`X-Padding: ${"p".repeat(p.extraHeaderBytes)}`);
  const data =
    p.data === "png"
      ? png
      : p.data === "nested"
        ? Buffer.from(`--inner\r\nContent-Disposition: form-data; name="file"; filename="n.png"\r\n\r\n${png.toString("latin1")}\r\n--inner--\r\n`, "latin1")
        : Buffer.from(p.data);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), data, Buffer.from("\r\n")]);
}

const boundaryMode = fc.constantFrom("same", "same", "declared-differs", "missing-param", "quoted", "very-long", "empty");
const lengthMode = fc.constantFrom("exact", "exact", "exact", "short", "long", "absent");

describe(SUITE, () => {
  it("multipart bodies: broken boundaries, huge part headers, odd names and types, nested forms, lying lengths", async () => {
    let productId = await newProduct();
    let requests = 0;
    const statuses = new Map<number | null, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 6 }), boundaryMode, lengthMode, fc.boolean(), async (parts, mode, lengthLie, terminate) => {
        const used = mode === "very-long" ? "b".repeat(69) : "----fuzzboundary";
        const body = Buffer.concat([...parts.map((p) => encodePart(used, p)), Buffer.from(terminate ? `--${used}--\r\n` : "")]);
        const declared = {
          same: `multipart/form-data; boundary=${used}`,
          "declared-differs": "multipart/form-data; boundary=somethingelse",
          "missing-param": "multipart/form-data",
          quoted: `multipart/form-data; boundary="${used}"`,
          "very-long": `multipart/form-data; boundary=${used}`,
          empty: "multipart/form-data; boundary=",
        }[mode];
        const headers: [string, string][] = [["Host", "127.0.0.1"], auth(tenant.key), ["Content-Type", declared], ["Connection", "close"]];
        const length = { exact: body.length, short: Math.max(0, body.length - 7), long: body.length + 4096, absent: -1 }[lengthLie];
        if (length >= 0) headers.push(["Content-Length", String(length)]);
        else headers.push(["Transfer-Encoding", "chunked"]);
        const payload = length >= 0 ? body : Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]);
        const reply = await rawRequest(port, requestBytes("POST", `/api/v1/products/${productId}/images`, headers, payload));
        requests++;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expectHonest(reply, `multipart ${mode}/${lengthLie}`, { mayClose: lengthLie !== "exact" });
        if (reply.status === 422) productId = await newProduct();
      }),
      { numRuns: profile.fuzzRuns * 4 },
    );
    recordFinding({ suite: SUITE, tried: `${requests} fuzzed multipart uploads`, held: `answers ${JSON.stringify(Object.fromEntries(statuses))}; all honest`, ok: true });
  });

  it("thousands of parts, and a text field named file, are refused with 400", async () => {
    const productId = await newProduct();
    const many = Buffer.concat([
      ...Array.from({ length: 3000 }, (_, i) => Buffer.from(`--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`)),
      Buffer.from("--b--\r\n"),
    ]);
    const textFile = Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n${"x".repeat(1000)}\r\n--b--\r\n`);
    for (const [label, body] of [["3000 parts", many], ["a text field named file", textFile]] as const) {
      const headers: [string, string][] = [["Host", "h"], auth(tenant.key), ["Content-Type", "multipart/form-data; boundary=b"], ["Content-Length", String(body.length)]];
      const reply = await rawRequest(port, requestBytes("POST", `/api/v1/products/${productId}/images`, headers, body));
      expectHonest(reply, label);
      expect(reply.status, label).toBe(400);
    }
    recordFinding({ suite: SUITE, tried: "3000 form parts; a text field named file", held: "400 each, nothing stored", ok: true });
  });

  it("a valid upload cut off at many offsets: never a 201, never a 5xx, nothing appended", async () => {
    const productId = await newProduct();
    const body = Buffer.concat([
      Buffer.from('--cut\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
      png,
      Buffer.from("\r\n--cut--\r\n"),
    ]);
    const offsets = new Set<number>([0, 1, body.length - 1]);
    for (let i = 0; offsets.size < Math.min(profile.cutOffsets, body.length); i++) offsets.add(Math.floor((i * 7919) % body.length));
    let closed = 0;
    for (const offset of offsets) {
      const headers: [string, string][] = [["Host", "h"], auth(tenant.key), ["Content-Type", "multipart/form-data; boundary=cut"], ["Content-Length", String(body.length)]];
      const reply = await rawRequest(port, requestBytes("POST", `/api/v1/products/${productId}/images`, headers, body.subarray(0, offset)), { halfClose: true });
      expectHonest(reply, `cut at ${offset}`, { mayClose: true });
      expect(reply.status, `cut at ${offset}`).not.toBe(201);
      if (reply.status === null) closed++;
    }
    const product = await call(t.baseUrl, "GET", `/api/v1/products/${productId}`, { token: tenant.key });
    expect(product.body.imageUrls).toEqual([]);
    recordFinding({ suite: SUITE, tried: `one upload cut at ${offsets.size} offsets`, held: `no 201, no 5xx (${closed} closed without an answer), nothing appended`, ok: true });
  });

  it("hostile headers: huge, control characters, duplicates, conflicting lengths", async () => {
    const productId = await newProduct();
    const path = `/api/v1/products/${productId}`;
    const cases: [string, Buffer][] = [
      ["an 8 KiB header", requestBytes("GET", path, [["Host", "h"], auth(tenant.key), ["X-Big", "a".repeat(8 * 1024)]])],
      ["a 100 KiB header", requestBytes("GET", path, [["Host", "h"], auth(tenant.key), ["X-Big", "a".repeat(100 * 1024)]])],
      ["a NUL in a header value", requestBytes("GET", path, [["Host", "h"], auth(tenant.key), ["X-Evil", "a\u0000b"]])],
      ["a bare CR in a header value", requestBytes("GET", path, [["Host", "h"], auth(tenant.key), ["X-Evil", "a\rb"]])],
      ["DEL in a header name", requestBytes("GET", path, [["Host", "h"], ["X-\u007fEvil", "1"]])],
      ["two Content-Lengths that differ", requestBytes("POST", "/api/v1/products", [["Host", "h"], auth(tenant.key), ["Content-Type", "application/json"], ["Content-Length", "2"], ["Content-Length", "10"]], Buffer.from("{}"))],
      ["Content-Length with Transfer-Encoding", requestBytes("POST", "/api/v1/products", [["Host", "h"], auth(tenant.key), ["Content-Type", "application/json"], ["Content-Length", "2"], ["Transfer-Encoding", "chunked"]], Buffer.from("0\r\n\r\n"))],
      ["two Authorization headers", requestBytes("GET", path, [["Host", "h"], auth(tenant.key), auth(victim.key)])],
      ["a Bearer with 10 KiB of token", requestBytes("GET", path, [["Host", "h"], ["Authorization", `Bearer ${"t".repeat(10 * 1024)}`]])],
      ["an obs-folded header", requestBytes("GET", path, [["Host", "h"], ["X-Fold", "a\r\n b"]])],
      ["a request line with a space in the path", Buffer.from(`GET /api/v1/products/a b HTTP/1.1\r\nHost: h\r\n\r\n`)],
      ["garbage instead of HTTP", Buffer.from("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003garbage\r\n\r\n")],
      ["an unknown method", requestBytes("BREW", path, [["Host", "h"]])],
      ["HTTP/1.0 without Host", Buffer.from(`GET ${path} HTTP/1.0\r\n\r\n`)],
    ];
    const answers: string[] = [];
    for (const [label, bytes] of cases) {
      const reply = await rawRequest(port, bytes);
      expectHonest(reply, label, { mayClose: true });
      answers.push(`${label}: ${reply.status ?? "closed"}`);
      // Two Authorization headers must never act as the second (the victim's) credential.
      expect(reply.body.includes(VICTIM_SECRET), label).toBe(false);
    }
    recordFinding({ suite: SUITE, tried: `${cases.length} hostile header cases`, held: answers.join("; "), ok: true });
  });

  it("ids, JSON and query strings with operators, prototype keys and path tricks: no leak, no pollution", async () => {
    const productId = await newProduct();
    const operatorValue = fc.constantFrom<unknown>({ $gt: "" }, { $ne: null }, { $where: "1" }, { $regex: ".*" }, ["$gt"], { __proto__: { polluted: 1 } });
    const hostileString = fc.oneof(
      fc.constantFrom(
        '{"$gt":""}',
        "__proto__",
        "constructor",
        "prototype",
        "../../etc/passwd",
        "..%2f..%2f",
        "%00",
        "%",
        "\u0000",
        "$where",
        victimProductId,
        `${victimProductId}/`,
        `${victimProductId}%00`,
        "x".repeat(2000),
        "😀",
      ),
      fc.string({ maxLength: 30 }),
    );
    const jsonBody = fc.oneof(
      fc.record({ name: fc.oneof(fc.string({ maxLength: 50 }), operatorValue), sku: fc.option(fc.oneof(fc.string(), operatorValue)), imageUrls: fc.option(fc.array(fc.oneof(fc.webUrl(), operatorValue, fc.string()), { maxLength: 25 })) }),
      fc.constantFrom<unknown>(
        JSON.parse('{"__proto__":{"polluted":"yes"},"name":"p"}'),
        JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}},"name":"p"}'),
        { name: "p", companyId: victim.companyId },
        { name: "p", id: victimProductId },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const request = fc.oneof(
      fc.record({ method: fc.constantFrom("GET", "DELETE"), path: hostileString.map((id) => `/api/v1/products/${encodeURIComponent(id)}`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("GET"), path: hostileString.map((s) => `/api/v1/products?cursor=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("GET"), path: hostileString.map((s) => `/api/v1/products?cursor[$gt]=${encodeURIComponent(s)}&__proto__[polluted]=1`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("DELETE"), path: hostileString.map((s) => `/api/v1/products/${productId}/images/${encodeURIComponent(s)}`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("GET"), path: hostileString.map((s) => `/files/${s}`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("GET"), path: hostileString.map((s) => `/files/${victim.companyId}/products/${encodeURIComponent(s)}.png`), body: fc.constant(undefined) }),
      fc.record({ method: fc.constant("POST"), path: fc.constant("/api/v1/products"), body: jsonBody }),
      fc.record({ method: fc.constant("PATCH"), path: fc.oneof(fc.constant(`/api/v1/products/${productId}`), fc.constant(`/api/v1/products/${victimProductId}`)), body: jsonBody }),
    );
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body }) => {
        const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
        const headers: [string, string][] = [["Host", "h"], auth(tenant.key), ["Connection", "close"]];
        if (body !== undefined) headers.push(["Content-Type", "application/json"], ["Content-Length", String(bytes.length)]);
        const reply = await rawRequest(port, requestBytes(method, path, headers, bytes));
        requests++;
        expectHonest(reply, `${method} ${path.slice(0, 120)}`);
        expect(reply.body.includes(VICTIM_SECRET), `${method} ${path}`).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: profile.fuzzRuns * 4 },
    );
    // The victim's product is exactly as it was.
    const victimProduct = await call(t.baseUrl, "GET", `/api/v1/products/${victimProductId}`, { token: victim.key });
    expect(victimProduct.body).toMatchObject({ name: VICTIM_SECRET, sku: VICTIM_SECRET, imageUrls: [] });
    recordFinding({ suite: SUITE, tried: `${requests} fuzzed ids, JSON bodies and query strings`, held: "no 5xx, {error} everywhere, no other tenant's data, no prototype polluted", ok: true });
  });

  it("memory stays bounded across the whole run", () => {
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    recordFinding({ suite: SUITE, tried: "RSS before and after the hostile HTTP run (app in process)", held: `grew ${grownMb.toFixed(0)} MiB (bound 300)`, ok: grownMb < 300 });
    expect(grownMb).toBeLessThan(300);
  });
});
