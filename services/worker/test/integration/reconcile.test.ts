import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { type DedicatedRedis, startRedisServer } from "@ingest/provision";
import { TEST_STORES } from "@ingest/provision/testing";
import { derivativeKey } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import { newAuditState, runAuditChunk } from "../../src/reconcile/audit.ts";
import { reconcileLedger } from "../../src/reconcile/reconcile-ledger.ts";
import { sweepStorage } from "../../src/reconcile/sweep-storage.ts";
import { plainJpeg } from "../support/image-fixtures.ts";
import { COMPANY, createHarness, eventually, type Harness } from "../support/worker-harness.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../../..");
const HOUR = 3_600_000;
/** Reconciliation acts on intents older than its thresholds; tests move its clock instead of waiting. */
const later = () => new Date(Date.now() + HOUR);

let harness: Harness;
let dedicatedRedis: DedicatedRedis | undefined;
afterEach(async () => {
  await harness?.close();
  await dedicatedRedis?.close();
  dedicatedRedis = undefined;
});

// A promise-level suite: it runs on both stores.
describe.each(TEST_STORES)("reconciliation from the ledger, on the %s store", (store) => {
  it("an upload while Redis was stopped reaches ready once Redis is back", async () => {
    dedicatedRedis = await startRedisServer();
    harness = await createHarness("reconcile-redis-down", { REDIS_URL: dedicatedRedis.url }, store);
    const worker = harness.startWorker();
    const product = await harness.createProduct();

    await dedicatedRedis.server.stop();
    // The API's upload: ledger, bytes, append and `processing` all succeed (they need no Redis) ...
    const image = await harness.stageUpload(product, await plainJpeg(900, 600), "jpeg");
    // ... and its enqueue fails.
    await expect(harness.queue.enqueue("process-image", { imageId: image.id })).rejects.toThrow();

    await dedicatedRedis.server.start();
    const report = await eventually(
      async () => {
        const run = await reconcileLedger(harness.deps, { now: later() });
        return run.failures.length === 0 && run;
      },
      20_000,
      "a reconcile run with Redis back",
    );
    expect(report.actions).toEqual([{ kind: "requeue", imageId: image.id, url: image.url }]);
    await eventually(async () => (await harness.repositories.images.find(image.id))?.status === "ready", 60_000, "ready");
    const record = (await harness.repositories.images.find(image.id))!;
    expect(await harness.objectsOf(record)).toEqual([record.key, ...record.derivatives.map((d) => d.key)].sort());
    await worker.close(5_000);
  }, 120_000);

  it("a processing image whose job is still live is left alone", async () => {
    harness = await createHarness("reconcile-live", {}, store);
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg");
    await harness.queue.enqueue("process-image", { imageId: image.id });
    const report = await reconcileLedger(harness.deps, { now: later() });
    expect(report.actions).toEqual([]);
  });

  it("a crash between staging and append: the staged object is deleted after the grace period", async () => {
    harness = await createHarness("reconcile-staged", {}, store);
    const product = await harness.createProduct();
    const stored = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg", "stored");
    const neverStored = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg", "staged");
    expect(await harness.objectsOf(stored)).toEqual([stored.key]);

    // Within the grace period an upload may still be in flight: nothing happens.
    expect((await reconcileLedger(harness.deps)).actions).toEqual([]);

    const report = await reconcileLedger(harness.deps, { now: later() });
    expect(report.actions.map((a) => [a.kind, a.imageId]).sort()).toEqual(
      [
        ["discard-staged", stored.id],
        ["discard-staged", neverStored.id],
      ].sort(),
    );
    expect(await harness.objectsOf(stored)).toEqual([]);
    expect((await harness.repositories.images.find(stored.id))?.status).toBe("deleted");
    expect((await harness.repositories.images.find(neverStored.id))?.status).toBe("deleted");
  });

  it("a crash between append and the status change: the next pass promotes it at once, and it is processed", async () => {
    harness = await createHarness("reconcile-appended", {}, store);
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(700, 400), "jpeg", "appended");
    // No waiting out the grace period (that is for uploads that never appended): now, not later.
    const report = await reconcileLedger(harness.deps);
    expect(report.actions).toEqual([{ kind: "promote", imageId: image.id, url: image.url }]);
    const worker = harness.startWorker();
    await eventually(async () => (await harness.repositories.images.find(image.id))?.status === "ready", 60_000, "ready");
    await worker.close(5_000);
  });

  it("removed images whose delete job never ran are freed", async () => {
    harness = await createHarness("reconcile-removed", {}, store);
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(700, 400), "jpeg");
    await processImage({ imageId: image.id }, harness.deps);
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: [] } },
      result: null,
    }));
    await harness.repositories.images.transition(image.id, ["ready"], "removed"); // ... and the enqueue was lost
    const report = await reconcileLedger(harness.deps, { now: later() });
    expect(report.actions).toEqual([{ kind: "delete-removed", imageId: image.id, url: image.url }]);
    expect(await harness.objectsOf(image)).toEqual([]);
    expect((await harness.repositories.images.find(image.id))?.status).toBe("deleted");
  });

  it("images of a product deleted by a request that died before marking them removed are retired", async () => {
    harness = await createHarness("reconcile-product-gone", {}, store);
    const product = await harness.createProduct();
    const ready = await harness.stageUpload(product, await plainJpeg(700, 400), "jpeg");
    await processImage({ imageId: ready.id }, harness.deps);
    const processing = await harness.stageUpload(product, await plainJpeg(700, 400), "jpeg");
    await harness.repositories.products.change(product.companyId, product.id, () => ({ change: { kind: "delete" }, result: null }));

    // The pass handles the open work; the ready image waits for the audit, which walks every one.
    const report = await reconcileLedger(harness.deps, { now: later() });
    expect(report.actions.map((a) => [a.kind, a.imageId])).toEqual([["retire-unreferenced", processing.id]]);
    expect((await harness.repositories.images.find(ready.id))?.status).toBe("ready");
    const audited = await runAuditChunk(harness.deps, newAuditState(), { now: later() });
    expect(audited.state.counts).toMatchObject({ audited: 1, retired: 1 });
    expect((await harness.repositories.images.find(ready.id))?.status).toBe("deleted");
    expect(await harness.allObjects()).toEqual([]);
  });

  it("a pass reads only open work: ready images are never touched by it", async () => {
    harness = await createHarness("reconcile-open-only", {}, store);
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await plainJpeg(100, 100), "jpeg");
    await processImage({ imageId: image.id }, harness.deps);
    // Even an unreferenced ready image is the audit's business, not the pass's.
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({ change: { kind: "update", fields: { ...current, images: [] } }, result: null }));
    expect((await reconcileLedger(harness.deps, { now: later() })).actions).toEqual([]);
    expect((await harness.repositories.images.find(image.id))?.status).toBe("ready");
  });

  it("a dry run reports and changes nothing", async () => {
    harness = await createHarness("reconcile-dry", {}, store);
    const product = await harness.createProduct();
    const staged = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg", "stored");
    const processing = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg");
    const report = await reconcileLedger(harness.deps, { now: later(), dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.actions.map((a) => a.kind).sort()).toEqual(["discard-staged", "requeue"]);
    expect(report.revokedTokensPruned).toBeNull();
    expect((await harness.repositories.images.find(staged.id))?.status).toBe("staged");
    expect((await harness.repositories.images.find(processing.id))?.status).toBe("processing");
    expect(await harness.objectsOf(staged)).toEqual([staged.key]);
    expect(await harness.queue.isLive("process-image", { imageId: processing.id })).toBe(false);
  });

  it("prunes expired token revocations", async () => {
    harness = await createHarness("reconcile-tokens", {}, store);
    await harness.repositories.credentials.revokeToken("jti-expired", new Date(Date.now() - 60_000));
    await harness.repositories.credentials.revokeToken("jti-live", new Date(Date.now() + HOUR));
    const report = await reconcileLedger(harness.deps);
    expect(report.revokedTokensPruned).toBe(1);
    expect(await harness.repositories.credentials.isTokenRevoked("jti-live")).toBe(true);
  });

  it("prunes expired idempotency keys and keeps live ones", async () => {
    harness = await createHarness("reconcile-idempotency", {}, store);
    const claim = (key: string, expiresAt: Date) => ({ companyId: COMPANY, key, attempt: 1, fingerprint: "p:h", productId: "p", imageId: "i".repeat(24), createdAt: new Date(), expiresAt });
    await harness.repositories.idempotency.claim(claim("old", new Date(Date.now() - 60_000)));
    await harness.repositories.idempotency.claim(claim("live", new Date(Date.now() + HOUR)));
    expect((await reconcileLedger(harness.deps, { dryRun: true })).idempotencyKeysPruned).toBeNull();
    expect((await reconcileLedger(harness.deps)).idempotencyKeysPruned).toBe(1);
    expect(await harness.repositories.idempotency.find(COMPANY, "old")).toBeNull();
    expect(await harness.repositories.idempotency.find(COMPANY, "live")).not.toBeNull();
  });

  it("forgets webhook events and delivery attempts older than 30 days", async () => {
    harness = await createHarness("reconcile-webhook-history", {}, store);
    const old = new Date(Date.now() - 31 * 24 * HOUR);
    await harness.repositories.webhooks.recordEvent({ id: "evt_old", companyId: COMPANY, type: "image.ready", createdAt: old, body: "{}" });
    await harness.repositories.webhooks.recordEvent({ id: "evt_new", companyId: COMPANY, type: "image.ready", createdAt: new Date(), body: "{}" });
    expect((await reconcileLedger(harness.deps)).webhookHistoryPruned).toBe(1);
    expect(await harness.repositories.webhooks.findEvent("evt_old")).toBeNull();
    expect(await harness.repositories.webhooks.findEvent("evt_new")).not.toBeNull();
  });

  it("runs by itself as the repeatable job", async () => {
    harness = await createHarness("reconcile-repeatable", { STAGED_GRACE_MS: "0" }, store);
    const product = await harness.createProduct();
    const staged = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg", "stored");
    const worker = harness.startWorker();
    await harness.queue.scheduleEvery("reconcile", 1_000);
    await eventually(async () => (await harness.repositories.images.find(staged.id))?.status === "deleted", 30_000, "staged image deleted");
    expect(await harness.objectsOf(staged)).toEqual([]);
    await worker.close(5_000);
  });
});

describe("the full bucket sweep", () => {
  it("deletes objects no live image accounts for, and only those", async () => {
    harness = await createHarness("sweep", { STAGED_GRACE_MS: "0" });
    const product = await harness.createProduct();
    const ready = await harness.stageUpload(product, await plainJpeg(700, 400), "jpeg");
    await processImage({ imageId: ready.id }, harness.deps);
    const record = (await harness.repositories.images.find(ready.id))!;
    const inFlight = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg");

    const orphan = `${product.companyId}/products/${product.id}/images/${"f".repeat(24)}.jpg`;
    const staleDerivative = derivativeKey(product.companyId, product.id, ready.id, 4096, "webp");
    const foreign = "notes/readme.txt";
    for (const key of [orphan, staleDerivative, foreign]) await harness.storage.put(key, Buffer.from("x"), { contentType: "image/jpeg" });

    const preview = await sweepStorage(harness.deps, { dryRun: true });
    expect(preview.deleted.map((d) => [d.key, d.reason]).sort()).toEqual(
      [
        [orphan, "orphan"],
        [staleDerivative, "stale-derivative"],
      ].sort(),
    );
    expect(await harness.allObjects()).toContain(orphan);

    const swept = await sweepStorage(harness.deps);
    expect(swept.unrecognised).toBe(1);
    expect(await harness.allObjects()).toEqual([foreign, inFlight.key, record.key, ...record.derivatives.map((d) => d.key)].sort());
  });
});

describe("pnpm cli reconcile", () => {
  it("previews with --dry-run, then does it", async () => {
    harness = await createHarness("cli-reconcile", { STAGED_GRACE_MS: "0" });
    const product = await harness.createProduct();
    const staged = await harness.stageUpload(product, await plainJpeg(300, 200), "jpeg", "stored");
    const orphan = `${product.companyId}/products/${product.id}/images/${"e".repeat(24)}/320w.webp`;
    await harness.storage.put(orphan, Buffer.from("x"), { contentType: "image/webp" });

    const dry = await runCli(["--quiet", "reconcile", "--dry-run", "--full"], harness.env);
    // Only the audit's progress line may be on stderr.
    expect(dry.stderr).not.toMatch(/fail|error/i);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would discard-staged ${staged.id} ${staged.url}`);
    expect(dry.stdout).toContain(`would delete-object ${orphan} (orphan)`);
    expect(await harness.objectsOf(staged)).toEqual([staged.key]);

    const real = await runCli(["--quiet", "reconcile", "--full"], harness.env);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`did discard-staged ${staged.id}`);
    expect(real.stdout).toMatch(/ledger: 1 action\(s\)/);
    expect(await harness.allObjects()).toEqual([]);
  }, 60_000);
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["services/cli/src/main.ts", ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
