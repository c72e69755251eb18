import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import {
  createJobQueue,
  createRedis,
  createStorage,
  type JobQueue,
  originalKey,
  parseConfig,
  publicUrl,
  type Redis,
  type Repositories,
  type Storage,
  type Store,
} from "@ingest/shared";
import { openStore } from "@ingest/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOnlyJson, runCli, startCli } from "../support/cli-process.ts";
import { gradientPng } from "../support/png.ts";
import { type RunningWorker, startWorker } from "../support/worker-process.ts";

let names: TestNames;
let env: Record<string, string>;
let store: Store;
let repositories: Repositories;
let storage: Storage;
let redis: Redis;
let queue: JobQueue;
let checkpoints: string;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  names = uniqueTestNames("cli-reprocess");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent" };
  store = await openStore(parseConfig(env).store);
  repositories = store.repositories;
  storage = await createStorage(parseConfig(env).storage);
  redis = createRedis(env.REDIS_URL!, "blocking");
  queue = createJobQueue(redis, names.queuePrefix);
  checkpoints = await mkdtemp(join(tmpdir(), "reprocess-"));
});
afterAll(async () => {
  await worker?.stop();
  await queue.close();
  redis.disconnect();
  storage.close();
  await store.close();
  await cleanUpTestData(testServices(), names);
  await rm(checkpoints, { recursive: true, force: true });
});

/** A product with `count` uploaded PNGs, processed by a worker with `widths`: as the API leaves them, then ready. */
async function readyProduct(count: number, widths: string): Promise<{ companyId: string; productId: string; imageIds: string[] }> {
  const companyId = `c${randomBytes(5).toString("hex")}`;
  await repositories.credentials.createCompany(companyId, "Reprocess");
  const imageIds = Array.from({ length: count }, () => randomBytes(12).toString("hex")).sort();
  const placeholder = await repositories.products.create(companyId, { name: "P", sku: null, images: [] });
  const config = parseConfig(env);
  const entries = imageIds.map((id) => ({ id, key: originalKey(companyId, placeholder.id, id, "png") }));
  const png = gradientPng(400, 300);
  for (const { id, key } of entries) {
    await repositories.images.insertStaged({
      id,
      companyId,
      productId: placeholder.id,
      key,
      url: publicUrl(config.publicBaseUrl, key),
      format: "png",
      contentType: "image/png",
      bytes: png.length,
      sha256: null,
    });
    await storage.put(key, png, { contentType: "image/png" });
  }
  await repositories.products.change(companyId, placeholder.id, (current) => ({
    change: {
      kind: "update",
      fields: { name: current.name, sku: null, images: entries.map(({ id, key }) => ({ url: publicUrl(config.publicBaseUrl, key), imageId: id })) },
    },
    result: null,
  }));
  for (const { id } of entries) {
    await repositories.images.transition(id, ["staged"], "processing");
    await queue.enqueue("process-image", { imageId: id });
  }
  await useWorker(widths);
  await waitFor(async () => (await Promise.all(imageIds.map((id) => repositories.images.find(id)))).every((image) => image?.status === "ready"));
  return { companyId, productId: placeholder.id, imageIds };
}

async function useWorker(widths: string | null): Promise<void> {
  await worker?.stop();
  worker = widths === null ? undefined : await startWorker({ ...env, DERIVATIVE_WIDTHS: widths });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition never held");
    await sleep(100);
  }
}

const widthsOf = async (imageId: string) => (await repositories.images.find(imageId))!.derivatives.map((derivative) => derivative.width).sort((a, b) => a - b);

describe("pnpm cli reprocess", { timeout: 240_000 }, () => {
  it("redoes a product's derivatives with the workers' new settings and deletes the ones no longer made", async () => {
    const { companyId, productId, imageIds } = await readyProduct(3, "64,128");
    expect(await widthsOf(imageIds[0]!)).toEqual([64, 128]);
    const oldKeys = (await repositories.images.find(imageIds[0]!))!.derivatives.map((derivative) => derivative.key);

    // No worker: nothing is touched, and the CLI says why.
    await useWorker(null);
    const alone = await runCli(env, "reprocess", "--product", productId, "--company", companyId, "--checkpoint-dir", checkpoints);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/no worker is connected/);
    expect((await repositories.images.find(imageIds[0]!))?.status).toBe("ready");

    await useWorker("96");
    const dry = await runCli(env, "reprocess", "--product", productId, "--company", companyId, "--dry-run", "--json", "--checkpoint-dir", checkpoints);
    expect(dry.code).toBe(0);
    expect(parseOnlyJson(dry)).toMatchObject({ dryRun: true, wouldReprocess: 3, imageIds });
    expect(await widthsOf(imageIds[0]!)).toEqual([64, 128]);

    const run = await runCli(env, "reprocess", "--product", productId, "--company", companyId, "--json", "--checkpoint-dir", checkpoints);
    expect(run.code).toBe(0);
    expect(parseOnlyJson(run)).toMatchObject({ done: 3, total: 3, interrupted: false, outcomes: { ready: 3, rejected: 0, timeout: 0, failed: 0 } });
    // Not a terminal: plain progress lines, no carriage returns.
    expect(run.stderr).toMatch(/reprocess: 3\/3 100% [\d.]+\/s ETA 0:00/);
    expect(run.stderr).not.toContain("\r");
    for (const id of imageIds) {
      expect(await widthsOf(id)).toEqual([96]);
      expect((await repositories.images.find(id))?.status).toBe("ready");
    }
    for (const key of oldKeys) expect(await storage.getBuffer(key, 1_000_000)).toBeNull();
    const [fresh] = (await repositories.images.find(imageIds[0]!))!.derivatives;
    expect((await storage.getBuffer(fresh!.key, 1_000_000))?.length).toBe(fresh!.bytes);
    expect(existsSync(join(checkpoints, `product-${companyId}-${productId}.json`))).toBe(false);
  });

  it("stops at Ctrl-C with its place kept, and the same command resumes there", async () => {
    const { companyId, imageIds } = await readyProduct(10, "64");
    await useWorker("80");
    const args = ["reprocess", "--company", companyId, "--concurrency", "1", "--checkpoint-dir", checkpoints];
    const checkpointFile = join(checkpoints, `company-${companyId}.json`);
    const first = startCli(env, ...args);
    await waitFor(async () => existsSync(checkpointFile) && JSON.parse(readFileSync(checkpointFile, "utf8")).done >= 2, 60_000);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(130);
    expect(first.stderr()).toMatch(/interrupted; run the same command again to resume/);
    const kept = JSON.parse(readFileSync(checkpointFile, "utf8")) as { after: string; done: number };
    expect(kept.done).toBeLessThan(imageIds.length);
    expect(imageIds).toContain(kept.after);
    const doneBefore = imageIds.filter((id) => id <= kept.after);
    const updatedBefore = await Promise.all(doneBefore.map(async (id) => (await repositories.images.find(id))!.updatedAt.getTime()));

    const second = await runCli(env, ...args, "--json");
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`resuming every image of company ${companyId} after image ${kept.after}`);
    const report = parseOnlyJson(second) as { done: number; total: number; outcomes: { ready: number } };
    expect(report.total).toBe(imageIds.length);
    expect(report.done).toBe(imageIds.length);
    expect(report.outcomes.ready).toBe(imageIds.length - doneBefore.length);
    // The images done before the interruption were not done again.
    const updatedAfter = await Promise.all(doneBefore.map(async (id) => (await repositories.images.find(id))!.updatedAt.getTime()));
    expect(updatedAfter).toEqual(updatedBefore);
    for (const id of imageIds) expect(await widthsOf(id)).toEqual([80]);
    expect(existsSync(checkpointFile)).toBe(false);
  });

  it("refuses an unclear scope with exit 2", async () => {
    const [none, two, productAlone] = await Promise.all([
      runCli(env, "reprocess"),
      runCli(env, "reprocess", "--all", "--image", "0".repeat(24)),
      runCli(env, "reprocess", "--product", "0".repeat(24)),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/say what to reprocess/);
    expect(two.code).toBe(2);
    expect(productAlone.code).toBe(2);
    expect(productAlone.stderr).toMatch(/--product needs --company/);
  });
});
