import { createQueueInspector } from "@ingest/shared";
import { afterEach, describe, expect, it } from "vitest";
import { plainJpeg } from "../support/image-fixtures.ts";
import { createHarness, eventually, type Harness } from "../support/worker-harness.ts";
import { spawnWorker, type WorkerProcess } from "../support/worker-process.ts";

const TOKEN = "worker-metrics-token-0123";

let harness: Harness | undefined;
let worker: WorkerProcess | undefined;
afterEach(async () => {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
  await worker?.exited;
  await harness?.close();
  harness = undefined;
  worker = undefined;
});

/** The value of one series in Prometheus text (labels must match exactly and in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).sort();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seen = [...(match[2] ?? "").matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)].map((m) => [m[1], m[2]]).sort();
    if (JSON.stringify(seen) === JSON.stringify(wanted)) return Number(match[3]);
  }
  return undefined;
}

describe("the worker's /metrics", () => {
  it("counts jobs, verdicts, derivative bytes, reconciliation actions and the pipeline time; behind its token", async () => {
    harness = await createHarness("worker metrics", { METRICS_TOKEN: TOKEN, RECONCILE_INTERVAL_MS: "1000", STAGED_GRACE_MS: "0" });
    const h = harness;
    const product = await h.createProduct();
    const good = await h.stageUpload(product, await plainJpeg(800, 600), "jpeg");
    const bad = await h.stageUpload(product, Buffer.from("%PDF-1.4 not an image at all"), "png");
    const abandoned = await h.stageUpload(product, await plainJpeg(64, 64), "jpeg", "stored");
    await h.queue.enqueue("process-image", { imageId: good.id });
    await h.queue.enqueue("process-image", { imageId: bad.id });

    worker = await spawnWorker(h.env);
    const url = `http://127.0.0.1:${worker.healthPort}/metrics`;
    const scrape = async () => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      return response.text();
    };
    await eventually(async () => (await h.repositories.images.find(good.id))?.status === "ready", 60_000, "ready");
    await eventually(async () => (await h.repositories.images.find(bad.id))?.status === "rejected", 60_000, "rejected");
    await eventually(async () => (await h.repositories.images.find(abandoned.id))?.status === "deleted", 60_000, "the staged upload discarded");
    const text = await eventually(async () => {
      const body = await scrape();
      return (sample(body, "ingest_worker_reconcile_actions_total", { kind: "discard-staged" }) ?? 0) >= 1 && body;
    }, 30_000, "the reconcile action counted");

    expect(sample(text, "ingest_worker_jobs_total", { queue: "images", name: "process-image", outcome: "completed" })).toBe(2);
    expect(sample(text, "ingest_worker_job_duration_seconds_count", { queue: "images", name: "process-image", outcome: "completed" })).toBe(2);
    expect(sample(text, "ingest_worker_images_total", { outcome: "ready", reason: "none", format: "jpeg" })).toBe(1);
    expect(sample(text, "ingest_worker_images_total", { outcome: "rejected", reason: "not_an_image", format: "png" })).toBe(1);
    const ready = (await h.repositories.images.find(good.id))!;
    const written = ready.derivatives.reduce((sum, derivative) => sum + derivative.bytes, 0);
    expect(written).toBeGreaterThan(0);
    expect(sample(text, "ingest_worker_derivative_bytes_total", { format: "webp" })).toBe(written);
    expect(sample(text, "ingest_pipeline_seconds_count", { format: "jpeg", outcome: "ready" })).toBe(1);
    expect(sample(text, "ingest_pipeline_seconds_count", { format: "png", outcome: "rejected" })).toBe(1);
    expect(sample(text, "ingest_worker_queue_jobs", { queue: "images", state: "completed" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "ingest_worker_queue_oldest_waiting_seconds", { queue: "images" })).toBeGreaterThanOrEqual(0);

    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "Missing or invalid metrics token" });
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
  });

  it("the queue inspector reports depth by state and when the longest-waiting job was added", async () => {
    harness = await createHarness("queue inspector");
    const h = harness;
    const inspector = createQueueInspector(h.redis, h.config.queue.prefix);
    try {
      expect(await inspector.stats()).toEqual([
        expect.objectContaining({ queue: "images", oldestWaitingAt: null }),
        expect.objectContaining({ queue: "maintenance", oldestWaitingAt: null }),
        expect.objectContaining({ queue: "webhooks", oldestWaitingAt: null }),
      ]);
      const before = Date.now();
      await h.queue.enqueue("process-image", { imageId: "a".repeat(24) });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await h.queue.enqueue("process-image", { imageId: "b".repeat(24) });
      const [stats] = await inspector.stats();
      expect(stats?.counts.waiting).toBe(2);
      expect(stats?.counts.active).toBe(0);
      const first = await inspector.queues[0]!.getJob(`process-image-${"a".repeat(24)}`);
      expect(stats?.oldestWaitingAt).toBe(first?.timestamp);
      expect(stats!.oldestWaitingAt!).toBeGreaterThanOrEqual(before);
    } finally {
      await inspector.close();
    }
  });
});
