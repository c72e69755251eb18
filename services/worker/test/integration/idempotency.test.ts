import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import { orientedJpeg, pngWithMetadata } from "../support/image-fixtures.ts";
import { createHarness, eventually, type Harness } from "../support/worker-harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness("idempotency");
});
afterAll(() => harness.close());

/** The parts of the final state that must not depend on how many times the job ran. */
async function snapshot(imageId: string) {
  const { updatedAt: _updatedAt, ...record } = (await harness.repositories.images.find(imageId))!;
  const objects: Record<string, string> = {};
  for (const key of await harness.objectsOf(record)) {
    const bytes = (await harness.storage.getBuffer(key, 1e8))!;
    objects[key] = createHash("sha256").update(bytes).digest("hex");
  }
  return { record, objects };
}

describe("process-image is idempotent", () => {
  it("running a finished job again changes nothing", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await orientedJpeg(1400, 700, 6), "jpeg");
    expect(await processImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "ready", derivatives: 4 });
    const first = await snapshot(image.id);
    expect(await processImage({ imageId: image.id }, harness.deps)).toEqual({ outcome: "skipped", status: "ready" });
    expect(await snapshot(image.id)).toEqual(first);
  });

  it.each([
    ["a re-encoded original (orientation 6)", () => orientedJpeg(1400, 700, 6), "jpeg" as const],
    ["a stripped original (PNG with metadata)", () => pngWithMetadata(700, 350), "png" as const],
  ])("a run that died after writing but before recording (%s) is redone to the same state", async (_label, make, format) => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await make(), format);
    await processImage({ imageId: image.id }, harness.deps);
    const first = await snapshot(image.id);
    // As if the first run crashed just before markReady: outputs written, record still processing.
    await harness.repositories.images.transition(image.id, ["ready"], "processing");
    expect(await processImage({ imageId: image.id }, harness.deps)).toMatchObject({ outcome: "ready" });
    const second = await snapshot(image.id);
    expect(second.objects).toEqual(first.objects);
    expect({ ...second.record, status: "ready" }).toEqual(first.record);
  });

  it("two runs at once end in one state with no duplicate objects", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await orientedJpeg(1400, 700, 3), "jpeg");
    const results = await Promise.all([processImage({ imageId: image.id }, harness.deps), processImage({ imageId: image.id }, harness.deps)]);
    // Both may finish, or one may find the other already done; neither fails or rejects.
    for (const result of results) expect(["ready", "skipped"]).toContain(result.outcome);
    const state = await snapshot(image.id);
    expect(state.record.status).toBe("ready");
    expect(Object.keys(state.objects).sort()).toEqual([state.record.key, ...state.record.derivatives.map((d) => d.key)].sort());
  });

  it("through BullMQ: the same job enqueued twice collapses into one run", async () => {
    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, await orientedJpeg(800, 400, 8), "jpeg");
    await harness.queue.enqueue("process-image", { imageId: image.id });
    await harness.queue.enqueue("process-image", { imageId: image.id });
    const worker = harness.startWorker();
    try {
      await eventually(async () => (await harness.repositories.images.find(image.id))?.status === "ready", 60_000, "ready");
      const state = await snapshot(image.id);
      expect(Object.keys(state.objects).sort()).toEqual([state.record.key, ...state.record.derivatives.map((d) => d.key)].sort());
      const done = harness.log.lines.filter((line) => line.message === "job done" && (line.fields as { imageId?: string }).imageId === image.id);
      expect(done).toHaveLength(1);
    } finally {
      await worker.close(5_000);
    }
  });
});
