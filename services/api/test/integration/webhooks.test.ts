import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let strict: TestApp;
let tenant: Tenant;
let rival: Tenant;
let strictTenant: Tenant;
beforeAll(async () => {
  t = await startTestApp("webhooks api", { WEBHOOKS_ALLOW_LOOPBACK: "true" });
  strict = await startTestApp("webhooks api strict");
  tenant = await createTenant(t.repositories);
  rival = await createTenant(t.repositories);
  strictTenant = await createTenant(strict.repositories);
});
afterAll(async () => {
  await t?.close();
  await strict?.close();
});

const register = (app: TestApp, token: string, json: unknown) => call(app.baseUrl, "POST", "/api/v1/webhooks", { token, json });

describe("/api/v1/webhooks", () => {
  it("registers an endpoint, shows its secret once, lists it for its company only, and removes it", async () => {
    const created = await register(t, tenant.key, { url: "http://127.0.0.1:9/hooks", events: ["image.ready", "image.rejected"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: "http://127.0.0.1:9/hooks", events: ["image.ready", "image.rejected"], disabledAt: null, disabledReason: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const stored = await t.repositories.webhooks.findEndpoint(created.body.id, tenant.companyId);
    expect(stored?.sealedSecret).toContain(created.body.secret); // no WEBHOOK_SECRET_KEY here: stored plain (documented)

    const listed = await call(t.baseUrl, "GET", "/api/v1/webhooks", { token: tenant.key });
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toEqual([{ ...created.body, secret: undefined, deliveries: [] }].map(({ secret, ...rest }) => rest));
    expect(listed.text).not.toContain(created.body.secret);
    expect((await call(t.baseUrl, "GET", "/api/v1/webhooks", { token: rival.key })).body.webhooks).toEqual([]);

    expect((await call(t.baseUrl, "DELETE", `/api/v1/webhooks/${created.body.id}`, { token: rival.key })).status).toBe(404);
    expect((await call(t.baseUrl, "DELETE", `/api/v1/webhooks/${created.body.id}`, { token: tenant.key })).status).toBe(204);
    const again = await call(t.baseUrl, "DELETE", `/api/v1/webhooks/${created.body.id}`, { token: tenant.key });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: "Webhook endpoint not found" });
  });

  it("refuses private addresses, http beyond loopback, unknown events, and credentials without webhooks:write", async () => {
    for (const url of ["https://10.0.0.7/hooks", "https://169.254.169.254/latest/meta-data", "https://[::1]/x"]) {
      const reply = await register(strict, strictTenant.key, { url, events: ["image.ready"] });
      expect(reply.status, url).toBe(400);
      expect(reply.body.error).toMatch(/private, loopback or link-local/);
    }
    const http = await register(strict, strictTenant.key, { url: "http://127.0.0.1:9/hooks", events: ["image.ready"] });
    expect(http).toMatchObject({ status: 400, body: { error: "The webhook URL must be https://." } });
    expect((await register(t, tenant.key, { url: "http://93.184.215.14/hooks", events: ["image.ready"] })).body).toEqual({
      error: "An http:// webhook URL must point at a loopback address.",
    });
    expect((await register(t, tenant.key, { url: "https://93.184.215.14/hooks", events: ["image.uploaded"] })).status).toBe(400);
    expect((await register(t, tenant.key, { url: "https://93.184.215.14/hooks", events: [] })).status).toBe(400);
    expect((await register(t, tenant.readKey, { url: "https://93.184.215.14/hooks", events: ["image.ready"] })).status).toBe(403);
    expect((await call(t.baseUrl, "GET", "/api/v1/webhooks", { token: tenant.writeKey })).status).toBe(403);
    expect(await t.repositories.webhooks.listEndpoints(tenant.companyId)).toEqual([]);
    expect(await strict.repositories.webhooks.listEndpoints(strictTenant.companyId)).toEqual([]);
  });
});
