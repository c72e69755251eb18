import { setTimeout as sleep } from "node:timers/promises";
import { generateApiKey } from "@ingest/shared";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, multipartBody, type Reply } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTokenIssuer, type TokenIssuer } from "../support/oauth.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let issuer: TokenIssuer;
let tenant: Tenant;
let productId: string;
let png: Buffer;

beforeAll(async () => {
  issuer = await createTokenIssuer();
  t = await startTestApp("auth matrix", issuer.env);
  tenant = await createTenant(t.repositories);
  productId = (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery", imageUrls: ["https://cdn.example.com/a.jpg"] } })).body.id;
  png = await imageBytes("png");
});
afterAll(async () => {
  await t.close();
});

interface Route {
  readonly name: string;
  readonly scope: "products:read" | "products:write";
  send(authorization: string | undefined, id?: string): Promise<Reply>;
}

function jsonRoute(name: string, scope: Route["scope"], method: string, path: (id: string) => string, json?: unknown): Route {
  return { name, scope, send: (authorization, id = productId) => call(t.baseUrl, method, path(id), { authorization, json }) };
}

const ROUTES: readonly Route[] = [
  jsonRoute("POST /products", "products:write", "POST", () => "/api/v1/products", { name: "New" }),
  jsonRoute("GET /products", "products:read", "GET", () => "/api/v1/products"),
  jsonRoute("GET /products/{id}", "products:read", "GET", (id) => `/api/v1/products/${id}`),
  jsonRoute("PATCH /products/{id}", "products:write", "PATCH", (id) => `/api/v1/products/${id}`, { name: "Renamed" }),
  jsonRoute("GET /products/{id}/images", "products:read", "GET", (id) => `/api/v1/products/${id}/images`),
  jsonRoute("DELETE /products/{id}/images/{index}", "products:write", "DELETE", (id) => `/api/v1/products/${id}/images/99`),
  jsonRoute("DELETE /products/{id}", "products:write", "DELETE", (id) => `/api/v1/products/${id}`, undefined),
  {
    name: "POST /products/{id}/images",
    scope: "products:write",
    async send(authorization, id = productId) {
      const { body, contentType } = multipartBody([{ name: "file", data: png, filename: "a.png", type: "image/png" }]);
      const headers: Record<string, string> = { "content-type": contentType };
      if (authorization !== undefined) headers.authorization = authorization;
      const response = await fetch(`${t.baseUrl}/api/v1/products/${id}/images`, { method: "POST", headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
    },
  },
];
/** Routes whose success would change what later cases see are probed against a throwaway product. */
const MUTATING = new Set(["DELETE /products/{id}"]);

async function expectEveryRoute(authorization: string | undefined, status: number, error?: string | RegExp): Promise<void> {
  for (const route of ROUTES) {
    const reply = await route.send(authorization);
    expect([route.name, reply.status]).toEqual([route.name, status]);
    expect(Object.keys(reply.body)).toEqual(["error"]);
    if (error !== undefined) expect(reply.body.error).toMatch(error);
  }
}

const bearer = (token: string) => `Bearer ${token}`;
const claims = (scope = "products:read products:write") => ({ company_id: tenant.companyId, scope });

describe("the auth matrix, on every API route", () => {
  it("no credentials → 401 with a Bearer challenge", async () => {
    await expectEveryRoute(undefined, 401, /^Missing credentials/);
    const reply = await ROUTES[0]!.send(undefined);
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it.each(["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "bearer", "Token tp_x", "Bearer a b"])("malformed header %j → 401", async (header) => {
    await expectEveryRoute(header, 401);
  });

  it("an unknown key, a truncated key and a non-key token → 401", async () => {
    await expectEveryRoute(bearer(generateApiKey().key), 401, "Invalid or expired credentials");
    await expectEveryRoute(bearer(tenant.key.slice(0, -1)), 401, "Invalid or expired credentials");
    await expectEveryRoute(bearer("not-a-token"), 401, "Invalid or expired credentials");
  });

  it("a key without the route's scope → 403 (read-only key on writes, write-only key on reads)", async () => {
    for (const route of ROUTES) {
      const key = route.scope === "products:write" ? tenant.readKey : tenant.writeKey;
      const reply = await route.send(bearer(key));
      expect([route.name, reply.status, reply.body]).toEqual([route.name, 403, { error: `This credential lacks the ${route.scope} scope` }]);
    }
  });

  it("another company's product → 404 Product not found, never 403", async () => {
    const other = await createTenant(t.repositories);
    for (const route of ROUTES.filter((r) => r.name.includes("{id}"))) {
      const reply = await route.send(bearer(other.key));
      expect([route.name, reply.status, reply.text]).toEqual([route.name, 404, JSON.stringify({ error: "Product not found" })]);
    }
  });

  it("a valid JWT with both scopes works on every route", async () => {
    const token = bearer(await issuer.sign(claims()));
    const scratch = (await call(t.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Scratch", imageUrls: ["https://cdn.example.com/s.jpg"] } })).body.id;
    for (const route of ROUTES) {
      const reply = await route.send(token, MUTATING.has(route.name) ? scratch : productId);
      // The index route probes index 99: a 404 past authentication proves the token was accepted.
      const expected = route.name.includes("{index}") ? 404 : route.name.startsWith("POST") ? 201 : route.name.startsWith("DELETE /products/{id}") ? 204 : 200;
      expect([route.name, reply.status]).toEqual([route.name, expected]);
    }
  });

  it("a JWT with only products:read → 403 on writes", async () => {
    const token = bearer(await issuer.sign(claims("products:read")));
    for (const route of ROUTES.filter((r) => r.scope === "products:write")) {
      expect([route.name, (await route.send(token)).status]).toEqual([route.name, 403]);
    }
    expect((await ROUTES[1]!.send(token)).status).toBe(200);
  });

  it.each([
    ["expired", () => issuer.sign(claims(), { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ["for another audience", () => issuer.sign(claims(), { audience: "someone-else" })],
    ["from another issuer", () => issuer.sign(claims(), { issuer: "https://evil.example" })],
    ["with a wrong signature", () => issuer.forge(claims())],
    ["without a jti (could never be revoked)", () => issuer.sign(claims(), { jti: null })],
    ["without the company claim", () => issuer.sign({ scope: "products:read products:write" })],
    ["with a company id that is no id", () => issuer.sign({ company_id: "../x", scope: "products:write products:read" })],
    [
      "signed with HS256",
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: "HS256", kid: "test-key" })
          .setIssuer("https://auth.test.example")
          .setAudience("image-api")
          .setJti("x")
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode("a-shared-secret-of-enough-length!!")),
    ],
  ])("a JWT %s → 401", async (_label, mint) => {
    await expectEveryRoute(bearer(await mint()), 401, "Invalid or expired credentials");
  });

  it("a revoked JWT (by jti) → 401", async () => {
    const jti = "revoke-me";
    const token = bearer(await issuer.sign(claims(), { jti }));
    await t.repositories.credentials.revokeToken(jti, new Date(Date.now() + 600_000));
    await eventually(async () => (await ROUTES[1]!.send(token)).status === 401);
    await expectEveryRoute(token, 401, "Invalid or expired credentials");
  });
});

describe("revoking a key", () => {
  it("is refused by every replica within the auth cache TTL", async () => {
    // The replica shares this app's database, whichever store it is.
    const shared: Record<string, string> = t.config.store.kind === "sqlite" ? { SQLITE_PATH: t.config.store.path } : { MONGO_DB: t.config.store.dbName };
    const replica = await startTestApp("auth replica", { ...issuer.env, ...shared }, {}, t.config.store.kind);
    try {
      const victim = await createTenant(t.repositories);
      const probe = (app: TestApp) => call(app.baseUrl, "GET", "/api/v1/products", { token: victim.key });
      expect((await probe(t)).status).toBe(200);
      expect((await probe(replica)).status).toBe(200);
      await t.repositories.credentials.revokeApiKey(victim.lookupIds.key);
      // AUTH_CACHE_TTL_MS (2 s by default, 5 s at most) bounds this wait.
      await eventually(async () => (await probe(t)).status === 401 && (await probe(replica)).status === 401);
      await expectEveryRoute(bearer(victim.key), 401, "Invalid or expired credentials");
    } finally {
      await replica.app.close();
    }
  });
});

describe("a rotated key (expiresAt)", () => {
  it("works until its grace period ends, then is refused like a revoked one", async () => {
    const rotated = await createTenant(t.repositories);
    const probe = () => call(t.baseUrl, "GET", "/api/v1/products", { token: rotated.key });
    expect((await probe()).status).toBe(200);
    const ends = new Date(Date.now() + 1_500);
    expect(await t.repositories.credentials.expireApiKey(rotated.lookupIds.key, ends)).toBe(true);
    // Never extended by a later, longer grace.
    expect(await t.repositories.credentials.expireApiKey(rotated.lookupIds.key, new Date(Date.now() + 3_600_000))).toBe(false);
    await eventually(async () => (await probe()).status === 401);
    expect(Date.now()).toBeGreaterThanOrEqual(ends.getTime());
    const refused = await probe();
    expect(refused.body).toEqual({ error: "Invalid or expired credentials" });
    // The other keys of the company are untouched.
    expect((await call(t.baseUrl, "GET", "/api/v1/products", { token: rotated.readKey })).status).toBe(200);
  });
});

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error("condition never held");
}
