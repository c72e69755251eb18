import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { call, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/**
 * Keys no storage can hold (a segment past 255 bytes, a key past 1024, a path through a file)
 * are a 404 like any unknown key: never a 5xx, never an error line for anyone to fill the log with.
 */
let t: TestApp | undefined;
let folder: string | undefined;
afterEach(async () => {
  await t?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  t = folder = undefined;
});

const NOT_FOUND = { error: "File not found" };

async function impossibleKeys(app: TestApp): Promise<string[]> {
  const tenant = await createTenant(app.repositories);
  const productId: string = (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
  const uploaded = await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"));
  expect(uploaded.status).toBe(201);
  const stored = new URL(uploaded.body.imageUrl).pathname;
  return [
    `/files/${"a".repeat(256)}.png`,
    `/files/${tenant.companyId}/products/${productId}/images/${"b".repeat(251)}.png`,
    `/files/${Array.from({ length: 12 }, () => "c".repeat(100)).join("/")}.png`,
    `${stored}/inside-a-file.png`,
    `${stored.replace(/\.png$/, "")}/${"d".repeat(300)}w.webp`,
    // Found by the hostile-HTTP fuzzing: these once looked up Object.prototype (a 500).
    "/files/__proto__",
    "/files/constructor",
    `/files/${tenant.companyId}/x.__proto__`,
    "/files/a.hasOwnProperty",
  ];
}

describe("GET /files/ with keys no storage can hold", () => {
  it.each(["s3", "fs"])("%s: every one is a 404 in the error shape, and nothing is logged at error level", async (driver) => {
    const logLines: Record<string, unknown>[] = [];
    folder = driver === "fs" ? mkdtempSync(join(tmpdir(), "file-keys-")) : undefined;
    const env: Record<string, string> = folder ? { STORAGE_DRIVER: "fs", FS_STORAGE_DIR: folder } : {};
    const app = await startTestApp("file keys", env, {}, undefined, { logLines });
    t = app;
    for (const path of await impossibleKeys(app)) {
      const reply = await call(app.baseUrl, "GET", path);
      expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: NOT_FOUND });
    }
    expect(logLines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });
});
