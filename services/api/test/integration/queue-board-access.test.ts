import { afterEach, describe, expect, it } from "vitest";
import { call } from "../support/http.ts";
import { createTokenIssuer } from "../support/oauth.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const ADMIN_TOKEN = "admin-token-admin-token-0123";
const QUEUES = "/admin/queues/api/queues";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("who may open the queue dashboard", () => {
  it("it does not exist unless an admin credential is configured", async () => {
    t = await startTestApp("board off");
    expect((await call(t.baseUrl, "GET", "/admin/queues")).status).toBe(404);
    expect((await call(t.baseUrl, "GET", QUEUES, { token: ADMIN_TOKEN })).status).toBe(404);
  });

  it("lists every queue to the admin secret; read-only mode refuses changes", async () => {
    t = await startTestApp("board read only", { ADMIN_TOKEN, ADMIN_READ_ONLY: "true" });
    const listed = await call(t.baseUrl, "GET", QUEUES, { token: ADMIN_TOKEN });
    expect(listed.status).toBe(200);
    expect(listed.body.queues.map((queue: { name: string }) => queue.name)).toEqual(["images", "maintenance", "webhooks"]);
    expect(listed.body.queues[0].readOnlyMode).toBe(true);
    await t.queue.enqueue("process-image", { imageId: "c".repeat(24) });
    const paused = await call(t.baseUrl, "PUT", `${QUEUES}/images/pause`, { token: ADMIN_TOKEN });
    expect(paused.status).toBe(405);
    expect((await call(t.baseUrl, "GET", QUEUES, { token: ADMIN_TOKEN })).body.queues[0].isPaused).toBe(false);
    expect(await t.queue.counts()).toMatchObject({ waiting: 1 });
  });

  it("an OAuth token with scope admin opens it when ADMIN_OAUTH_SCOPE is on; other tokens do not", async () => {
    const issuer = await createTokenIssuer();
    t = await startTestApp("board oauth", { ...issuer.env, ADMIN_OAUTH_SCOPE: "true" });
    const admin = await issuer.sign({ company_id: "ops", scope: "admin" });
    const company = await issuer.sign({ company_id: "acme", scope: "products:read products:write" });
    expect((await call(t.baseUrl, "GET", QUEUES, { token: admin })).status).toBe(200);
    expect((await call(t.baseUrl, "GET", QUEUES, { token: company })).status).toBe(401);
    expect((await call(t.baseUrl, "GET", QUEUES, { token: await issuer.forge({ company_id: "ops", scope: "admin" }) })).status).toBe(401);
    // Scope admin is for the dashboard only: it grants nothing under /api/v1.
    expect((await call(t.baseUrl, "GET", "/api/v1/products", { token: admin })).status).toBe(403);
  });
});
