import { setTimeout as sleep } from "node:timers/promises";
import type { Storage } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes, NOT_IMAGES } from "../support/images.ts";
import { streamUpload } from "../support/streaming-upload.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/** pino's numeric levels. */
const INFO = 30;
const ERROR = 50;

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("log levels mean something", () => {
  it("refusals answered on purpose (4xx, admission 503) are info lines without a stack; error is kept for failures", async () => {
    const logLines: Record<string, unknown>[] = [];
    let failPuts = false;
    const app = await startTestApp(
      "log levels",
      { API_MAX_CONCURRENT_UPLOADS: "1", API_UPLOAD_MIN_KIB_PER_WINDOW: "0" },
      {
        storage: (real: Storage): Storage => ({
          ...real,
          name: real.name,
          async put(key, body, options) {
            if (failPuts) throw new Error("an unexpected bug");
            await real.put(key, body, options);
          },
        }),
      },
      undefined,
      { logLines },
    );
    t = app;
    const tenant = await createTenant(app.repositories);
    const productId: string = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
    const url = `${app.baseUrl}/api/v1/products/${productId}/images`;

    expect((await uploadImage(app.baseUrl, tenant.key, productId, NOT_IMAGES.html)).status).toBe(415);
    expect((await call(app.baseUrl, "GET", "/api/v1/products/nope", { token: tenant.key })).status).toBe(404);
    expect((await call(app.baseUrl, "GET", `/files/${"a".repeat(300)}.png`)).status).toBe(404);
    expect((await call(app.baseUrl, "GET", "/api/v1/products")).status).toBe(401);

    const slow = streamUpload({ url, token: tenant.key, fileBytes: 64 * 1024, pauseAfter: 1024, head: await imageBytes("png") });
    await slow.paused;
    let busy = 0;
    for (let attempt = 0; attempt < 200 && busy === 0; attempt++) {
      if ((await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"))).status === 503) busy++;
      else await sleep(20);
    }
    expect(busy).toBe(1);
    slow.resume();
    expect((await slow.reply).status).toBe(201);

    const refusals = logLines.filter((line) => line.msg === "request refused");
    expect(refusals.map((line) => line.status).sort()).toEqual([401, 404, 404, 415, 503]);
    expect(refusals.every((line) => line.level === INFO && line.err === undefined)).toBe(true);
    expect(logLines.filter((line) => (line.level as number) >= ERROR)).toEqual([]);

    failPuts = true;
    expect((await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"))).status).toBe(500);
    const errors = logLines.filter((line) => (line.level as number) >= ERROR);
    expect(errors).toHaveLength(1);
    expect((errors[0]?.err as { stack?: string } | undefined)?.stack).toContain("an unexpected bug");
  });
});
