import { findFreePort } from "@ingest/provision";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { parseConfig } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiProcess } from "../support/api-process.ts";
import { call } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { streamUpload } from "../support/streaming-upload.ts";
import { createTenant } from "../support/tenants.ts";

let names: TestNames;
let env: Record<string, string>;

beforeAll(() => {
  names = uniqueTestNames("shutdown");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "info", SHUTDOWN_TIMEOUT_MS: "20000" };
});
afterAll(async () => {
  await cleanUpTestData(testServices(), names);
});

describe("graceful shutdown", () => {
  it("on SIGTERM the API stops accepting, finishes the upload in flight (201), and exits 0", async () => {
    const store = await openStore(parseConfig(env).store);
    const tenant = await createTenant(store.repositories);
    await store.close();
    const port = await findFreePort();
    const api = await startApiProcess(env, port);
    const productId = (await call(api.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;

    const upload = streamUpload({
      url: `${api.baseUrl}/api/v1/products/${productId}/images`,
      token: tenant.key,
      fileBytes: 256 * 1024,
      pauseAfter: 1024,
      head: await imageBytes("png"),
    });
    await upload.paused;
    // The signal must find the upload in flight: wait for the server to log it coming in.
    const uploadPath = `"url":"/api/v1/products/${productId}/images"`;
    for (let attempt = 0; attempt < 500 && !api.output().includes(uploadPath); attempt++) await new Promise((r) => setTimeout(r, 20));
    expect(api.output()).toContain(uploadPath);
    api.child.kill("SIGTERM");
    for (let attempt = 0; attempt < 100 && !api.output().includes("shutting down"); attempt++) await new Promise((r) => setTimeout(r, 20));

    // New requests are turned away (refused, or 503 in the error shape) while the one in flight completes.
    const late = await fetch(`${api.baseUrl}/healthz`).then(
      async (response) => [response.status, await response.json()],
      () => "refused",
    );
    expect(["refused", JSON.stringify([503, { error: "The server is shutting down; retry shortly." }])]).toContain(
      typeof late === "string" ? late : JSON.stringify(late),
    );
    upload.resume();
    const reply = await upload.reply;
    expect(reply.status).toBe(201);
    expect(await api.exited).toBe(0);
    expect(api.output()).toMatch(/shut down cleanly/);
  });
});
