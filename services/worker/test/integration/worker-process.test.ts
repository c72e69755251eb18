import { type DedicatedRedis, startRedisServer } from "@ingest/provision";
import { afterEach, describe, expect, it } from "vitest";
import { noisyJpeg, plainJpeg } from "../support/image-fixtures.ts";
import { createHarness, eventually, type Harness } from "../support/worker-harness.ts";
import { spawnWorker, type WorkerProcess } from "../support/worker-process.ts";

/**
 * The worker as a real process: probes, SIGTERM, kill -9. AVIF derivatives make a job take
 * seconds, which gives the tests a job that is surely active when they act; they wait on
 * states, never on durations.
 */
const SLOW_JOB = { DERIVATIVE_FORMATS: "webp,avif", DERIVATIVE_WIDTHS: "320,640,1280", IMAGE_TIMEOUT_SECONDS: "300" };
/** A dead worker's job is retaken after its lock lapses (4 s), looked for every second. */
const QUICK_STALL = { WORKER_LOCK_DURATION_MS: "4000", WORKER_STALLED_INTERVAL_MS: "1000" };

let harness: Harness | undefined;
let dedicatedRedis: DedicatedRedis | undefined;
const processes: WorkerProcess[] = [];

afterEach(async () => {
  for (const worker of processes.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await worker.exited;
  }
  await harness?.close();
  await dedicatedRedis?.close();
  harness = undefined;
  dedicatedRedis = undefined;
});

async function start(env: Record<string, string>): Promise<WorkerProcess> {
  const worker = await spawnWorker(env);
  processes.push(worker);
  return worker;
}

async function probe(worker: WorkerProcess, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${worker.healthPort}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Stages a slow upload and enqueues it, as the API would; resolves once a worker has it active. */
async function activeSlowJob(h: Harness) {
  const product = await h.createProduct();
  // Noise: AVIF-encoding it at four widths takes seconds, even on a fast machine.
  const image = await h.stageUpload(product, await noisyJpeg(1400, 900), "jpeg");
  await h.queue.enqueue("process-image", { imageId: image.id });
  await eventually(async () => (await h.queue.counts()).active === 1, 60_000, "the job to be active");
  return image;
}

async function expectReadyWithExactObjects(h: Harness, imageId: string) {
  await eventually(async () => (await h.repositories.images.find(imageId))?.status === "ready", 120_000, "ready");
  const record = (await h.repositories.images.find(imageId))!;
  expect(record.derivatives).toHaveLength(6);
  // No duplicates, nothing half-written left over: exactly the original and its recorded derivatives.
  expect(await h.objectsOf(record)).toEqual([record.key, ...record.derivatives.map((d) => d.key)].sort());
}

describe("the worker process", () => {
  it("answers /healthz, and /readyz names Redis while it is down", async () => {
    dedicatedRedis = await startRedisServer();
    harness = await createHarness("worker-health", { REDIS_URL: dedicatedRedis.url });
    const worker = await start(harness.env);

    expect(await probe(worker, "/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    // Its Redis connection may still be opening on a busy machine: ready once it is.
    const ready = await eventually(async () => {
      const answer = await probe(worker, "/readyz");
      return answer.status === 200 && answer;
    });
    expect(ready).toEqual({ status: 200, body: { status: "ok", dependencies: { database: "ok", redis: "ok", storage: "ok" } } });

    await dedicatedRedis.server.stop();
    const down = await eventually(async () => {
      const answer = await probe(worker, "/readyz");
      return answer.status === 503 && answer;
    });
    expect(down.body).toEqual({ error: "Not ready: redis not answering" });
    expect(await probe(worker, "/healthz")).toMatchObject({ status: 200 });

    await dedicatedRedis.server.start();
    await eventually(async () => (await probe(worker, "/readyz")).status === 200, 30_000, "ready again");
  }, 90_000);

  it("kill -9 mid-job: another worker finishes the image, with no duplicate objects", async () => {
    harness = await createHarness("worker-kill", { ...SLOW_JOB, ...QUICK_STALL });
    const first = await start(harness.env);
    const image = await activeSlowJob(harness);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    expect((await harness.repositories.images.find(image.id))?.status).toBe("processing");

    await start(harness.env);
    await expectReadyWithExactObjects(harness, image.id);
  }, 180_000);

  it("SIGTERM: stops taking jobs, finishes the active one, exits 0", async () => {
    harness = await createHarness("worker-sigterm", { ...SLOW_JOB, SHUTDOWN_TIMEOUT_MS: "120000" });
    const worker = await start(harness.env);
    const image = await activeSlowJob(harness);
    const waiting = await harness.stageUpload(await harness.createProduct(), await plainJpeg(300, 200), "jpeg");
    worker.child.kill("SIGTERM");
    await worker.waitForLine((line) => line.msg === "stopping: no new jobs, finishing active ones");
    // BullMQ may still take a job in the instant its closing worker drops its blocking fetch;
    // give that instant time to pass (an ordering pause, not a timing assertion).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await harness.queue.enqueue("process-image", { imageId: waiting.id });
    expect(await worker.exited).toBe(0);
    expect(worker.lines.some((line) => line.msg === "stopped")).toBe(true);
    await expectReadyWithExactObjects(harness, image.id);
    // Queued after the signal: left for the next worker.
    expect((await harness.repositories.images.find(waiting.id))?.status).toBe("processing");
    expect(await harness.queue.isLive("process-image", { imageId: waiting.id })).toBe(true);
  }, 180_000);

  it("SIGTERM past the shutdown timeout: the active job is handed back at once and finished elsewhere", async () => {
    // Default lock settings: a job left to stall would sit for a minute; a handed-back one waits.
    harness = await createHarness("worker-handback", { ...SLOW_JOB, SHUTDOWN_TIMEOUT_MS: "200" });
    const worker = await start(harness.env);
    const image = await activeSlowJob(harness);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect((await harness.repositories.images.find(image.id))?.status).toBe("processing");
    expect(await harness.queue.counts()).toMatchObject({ active: 0, waiting: 1, failed: 0 });

    await start(harness.env);
    await expectReadyWithExactObjects(harness, image.id);
  }, 180_000);
});
