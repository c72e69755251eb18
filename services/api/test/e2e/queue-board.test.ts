import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRedis, type JobWorker, PermanentJobError, startJobWorker } from "@ingest/shared";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http.ts";
import { createTenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

/**
 * bull-board in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser). Screenshots land in the gitignored test-artifacts/ folder.
 */
const ADMIN_TOKEN = "admin-token-for-the-browser-test";
const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const GOOD = "a".repeat(24);
const FLAKY = "f".repeat(24);

let t: TestApp;
let worker: JobWorker;
let browser: BrowserContext;
let profile: string;
const blocking = [] as ReturnType<typeof createRedis>[];
/** The flaky job fails (for good) until this is flipped; then its retry succeeds. */
let flakyMayPass = false;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run infra/local/install-services.sh (it installs Debian's chromium)`);
  t = await startTestApp("queue board", { ADMIN_TOKEN });
  const connection = createRedis(t.config.redis.url, "blocking");
  connection.on("error", () => {});
  blocking.push(connection);
  // A real BullMQ worker with stand-in handlers: the dashboard, not image processing, is tested here.
  worker = startJobWorker({
    connection,
    prefix: t.config.queue.prefix,
    concurrency: 1,
    handlers: {
      "process-image": async ({ imageId }) => {
        if (imageId === FLAKY && !flakyMayPass) throw new PermanentJobError(`image ${imageId} could not be decoded (test)`);
        return { outcome: "ready" };
      },
      "delete-image": async () => ({ outcome: "deleted" }),
      reconcile: async () => ({ actions: {} }),
      audit: async () => ({ outcome: "skipped" }),
      "deliver-webhook": async () => ({ outcome: "skipped" }),
    },
  });
  await mkdir(ARTIFACTS, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
  // A fresh profile of our own for this run, removed afterwards.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await worker?.close(5_000);
  for (const connection of blocking) connection.disconnect();
  await t?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function waitForCounts(completed: number, failed: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const counts = await t.queue.counts();
    if (counts.completed === completed && counts.failed === failed) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`queue never reached ${completed} completed / ${failed} failed: ${JSON.stringify(await t.queue.counts())}`);
}

describe("the queue dashboard in Chromium", () => {
  it("shows the images queue with a completed and a failed job; a retry from the page completes it", async () => {
    await t.queue.enqueue("process-image", { imageId: GOOD });
    await t.queue.enqueue("process-image", { imageId: FLAKY });
    await waitForCounts(1, 1);

    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_TOKEN}` });
    const response = await page.goto(`${t.baseUrl}/admin/queues`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator("aside").textContent()).toContain("images");

    // The completed tab lists the good job by its id (job names and ids are readable).
    await page.goto(`${t.baseUrl}/admin/queues/queue/images?status=completed`);
    await expect.poll(() => page.locator("main").textContent()).toContain(`process-image-${GOOD}`);

    await page.goto(`${t.baseUrl}/admin/queues/queue/images?status=failed`);
    const main = page.locator("main");
    await expect.poll(() => main.textContent()).toContain(`process-image-${FLAKY}`);
    await expect.poll(() => main.textContent()).toContain(`image ${FLAKY} could not be decoded (test)`);
    await page.screenshot({ path: join(ARTIFACTS, "queue-board-failed.png"), fullPage: true });

    flakyMayPass = true;
    // The job card's own retry button (an icon; "Retry all" above the list has a label).
    await main.locator("button:has(svg.lucide-refresh-cw)").filter({ hasNotText: "Retry all" }).first().click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
    await waitForCounts(2, 0);

    await page.goto(`${t.baseUrl}/admin/queues/queue/images?status=completed`);
    await expect.poll(() => main.textContent()).toContain(`process-image-${FLAKY}`);
    expect(await main.textContent()).toContain(`process-image-${GOOD}`);
    await page.screenshot({ path: join(ARTIFACTS, "queue-board-retried.png"), fullPage: true });
    await page.close();
  });

  it("is 401 without the admin credential, with a company's API key, or with a wrong secret", async () => {
    // Navigating there makes Chromium ask for a login (the Basic challenge; headless, nobody
    // answers). The reply itself, read by a page of the same origin that sends no credential:
    const page = await browser.newPage();
    await expect(page.goto(`${t.baseUrl}/admin/queues`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await page.close();
    const probe = await browser.newPage();
    await probe.goto(`${t.baseUrl}/healthz`);
    const seen = await probe.evaluate(async () => {
      const reply = await fetch("/admin/queues", { credentials: "omit" });
      return { status: reply.status, challenge: reply.headers.get("www-authenticate"), body: await reply.json() };
    });
    expect(seen).toEqual({
      status: 401,
      challenge: 'Basic realm="queues", charset="UTF-8"',
      body: { error: "The queue dashboard needs the admin credential" },
    });
    await probe.close();

    const tenant = await createTenant(t.repositories);
    for (const authorization of [`Bearer ${tenant.key}`, `Bearer ${ADMIN_TOKEN}x`, `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString("base64")}`]) {
      const reply = await call(t.baseUrl, "GET", "/admin/queues/api/queues", { authorization });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: "The queue dashboard needs the admin credential" });
    }
    // The admin secret as Basic auth's password is what a browser's prompt sends.
    const basic = `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString("base64")}`;
    expect((await call(t.baseUrl, "GET", "/admin/queues/api/queues", { authorization: basic })).status).toBe(200);
    // A change sent with (ambient) Basic auth from another site is refused.
    const crossSite = await call(t.baseUrl, "PUT", "/admin/queues/api/queues/images/retry/failed", {
      authorization: basic,
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
  });
});
