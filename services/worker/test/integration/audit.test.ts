import { afterEach, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import { audit } from "../../src/jobs/audit.handler.ts";
import { newAuditState, readAuditState, runAuditChunk, runFullAudit } from "../../src/reconcile/audit.ts";
import { plainJpeg } from "../support/image-fixtures.ts";
import { createHarness, eventually, type Harness } from "../support/worker-harness.ts";

const HOUR = 3_600_000;
/** The audit skips images finished in the last minute; tests move its clock instead of waiting. */
const later = () => new Date(Date.now() + HOUR);

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

describe("the full audit", () => {
  async function readyImages(count: number) {
    const product = await harness.createProduct();
    const made = [];
    for (let i = 0; i < count; i++) {
      const image = await harness.stageUpload(product, await plainJpeg(64, 64), "jpeg");
      await processImage({ imageId: image.id }, harness.deps);
      made.push((await harness.repositories.images.find(image.id))!);
    }
    return { product, made };
  }

  it("goes a bounded chunk at a time through the ledger, then the bucket, and resumes from its saved state", async () => {
    harness = await createHarness("audit-chunks", { STAGED_GRACE_MS: "0" });
    const { product, made } = await readyImages(3);
    // The product forgets one image (a request died before recording the removal) and an orphan appears.
    const forgotten = made[1]!;
    await harness.repositories.products.change(product.companyId, product.id, (current) => ({
      change: { kind: "update", fields: { ...current, images: current.images.filter((entry) => entry.imageId !== forgotten.id) } },
      result: null,
    }));
    const orphan = `${product.companyId}/products/${product.id}/images/${"d".repeat(24)}.jpg`;
    await harness.storage.put(orphan, Buffer.from("x"), { contentType: "image/jpeg" });

    let state = newAuditState(later());
    const phases: string[] = [];
    for (let chunk = 0; chunk < 50; chunk++) {
      const step = await runAuditChunk(harness.deps, state, { budget: 2, now: later() });
      state = step.state;
      phases.push(state.phase);
      if (step.finished) break;
    }
    expect(phases[0]).toBe("ledger");
    expect(phases.at(-1)).toBe("storage");
    expect(state.chunk).toBeGreaterThan(3);
    expect(state.counts).toMatchObject({ audited: 3, retired: 1, deleted: 1, failed: 0 });
    expect((await harness.repositories.images.find(forgotten.id))?.status).toBe("deleted");
    const kept = made.filter((image) => image.id !== forgotten.id);
    expect(await harness.allObjects()).toEqual(kept.flatMap((image) => [image.key, ...image.derivatives.map((d) => d.key)]).sort());
  });

  it("runs as a chain of jobs on the maintenance queue, each chunk once, and a stale duplicate does nothing", async () => {
    harness = await createHarness("audit-jobs");
    await readyImages(2);
    const worker = harness.startWorker();
    await harness.queue.enqueue("audit", {});
    await eventually(async () => (await harness.queue.counts("maintenance")).completed >= 1 && (await readAuditState(harness.deps.auditCursor)) === null, 30_000, "audit finished");
    await worker.close(5_000);
    // A chunk job of a run that is over is skipped, never a second audit.
    expect(await audit({ runId: "0123456789abcdef", chunk: 3 }, harness.deps)).toEqual({ outcome: "skipped", why: "this audit was taken over or has finished" });
    const started = await audit({}, harness.deps);
    expect(started).toMatchObject({ outcome: "finished", chunk: 1 });
  });

  it("the CLI's run takes an audit over and the worker's chain stands down", async () => {
    harness = await createHarness("audit-takeover");
    await readyImages(1);
    const first = await audit({}, { ...harness.deps, queue: { enqueue: async () => {} } });
    expect(first.outcome).toBe("finished"); // small ledger: one chunk
    const inProgress = { ...newAuditState(), chunk: 4 };
    await harness.deps.auditCursor.write(JSON.stringify(inProgress));
    const run = await runFullAudit(harness.deps);
    expect(run).toMatchObject({ finished: true, resumed: true });
    expect(run.state.runId).not.toBe(inProgress.runId);
    expect(await audit({ runId: inProgress.runId, chunk: 4 }, harness.deps)).toMatchObject({ outcome: "skipped" });
  });
});
