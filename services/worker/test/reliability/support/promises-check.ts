import { setTimeout as sleep } from "node:timers/promises";
import { type ImageRecord, MAX_IMAGES_PER_PRODUCT, parseConfig } from "@ingest/shared";
import { reconcileLedger, workerSettingsFrom } from "../../../src/index.ts";
import type { Deployment } from "./deployment.ts";
import type { Target, UploadOutcome } from "./upload-load.ts";

const quiet = { info() {}, warn() {}, error() {} };

/**
 * Waits (bounded) until every image of the targets' products is final, running one reconcile
 * pass per round with the clock moved past every grace period, as the repeatable job would
 * after its intervals. Returns the records by id.
 */
export async function settle(deployment: Deployment, targets: readonly Target[], timeoutMs: number): Promise<Map<string, ImageRecord>> {
  const { repositories, storage, queue } = await deployment.view();
  const settings = workerSettingsFrom(parseConfig(deployment.env));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await reconcileLedger(
      { ...repositories, storage, queue, settings, log: quiet },
      { now: new Date(Date.now() + 10 * 60_000) },
    ).catch(() => {});
    const records = await allRecords(deployment, targets);
    const open = [...records.values()].filter((record) => ["staged", "processing", "removed"].includes(record.status));
    if (open.length === 0) return records;
    if (Date.now() > deadline) throw new Error(`${open.length} images still ${[...new Set(open.map((r) => r.status))].join("/")} after ${timeoutMs} ms`);
    await sleep(2_000);
  }
}

async function allRecords(deployment: Deployment, targets: readonly Target[]): Promise<Map<string, ImageRecord>> {
  const { repositories } = await deployment.view();
  const records = new Map<string, ImageRecord>();
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.productId)) continue;
    seen.add(target.productId);
    for (const record of await repositories.images.findForProduct(target.companyId, target.productId)) records.set(record.id, record);
  }
  return records;
}

/** Promises 1–7, checked on the settled state; returns the list of broken ones (empty: all held). */
export async function checkPromises(deployment: Deployment, targets: readonly Target[], outcomes: readonly UploadOutcome[], records: Map<string, ImageRecord>): Promise<string[]> {
  const broken: string[] = [];
  const { repositories, storage, redis } = await deployment.view();

  // During the run: 201, an honest refusal (422 full, 503 with Retry-After), or the API was down.
  for (const outcome of outcomes) {
    if (outcome.kind !== "refused") continue;
    const honest = outcome.status === 422 || (outcome.status === 503 && outcome.retryAfter !== null);
    if (!honest) broken.push(`a client saw ${outcome.status} ${outcome.body.slice(0, 120)}`);
  }

  // 1. Every 201 is true: in the product, readable, and final (ready or rejected).
  const products = new Map<string, string[]>();
  for (const target of targets) {
    if (products.has(target.productId)) continue;
    const product = await repositories.products.find(target.companyId, target.productId);
    products.set(target.productId, product ? product.images.map((image) => image.url) : []);
  }
  for (const outcome of outcomes) {
    if (outcome.kind !== "created") continue;
    const record = records.get(outcome.imageId);
    if (record?.status !== "ready") {
      broken.push(`201 ${outcome.url} is ${record?.status ?? "unknown"}${record?.rejectionReason ? ` (${record.rejectionReason})` : ""}`);
      continue;
    }
    if (!products.get(outcome.productId)?.includes(outcome.url)) broken.push(`201 ${outcome.url} is not in its product`);
    const served = await fetch(outcome.url).then((r) => r.status, () => 0);
    if (served !== 200) broken.push(`201 ${outcome.url} answers ${served}`);
  }

  // 2. The cap, and no entry twice.
  for (const [productId, urls] of products) {
    if (urls.length > MAX_IMAGES_PER_PRODUCT) broken.push(`product ${productId} has ${urls.length} images`);
    if (new Set(urls).size !== urls.length) broken.push(`product ${productId} lists an image twice`);
  }

  // 3 and 5. Every object belongs to a ready image (original or derivative); every ready image has its objects.
  const expected = new Set<string>();
  for (const record of records.values()) {
    if (record.status !== "ready") continue;
    expected.add(record.key);
    for (const derivative of record.derivatives) expected.add(derivative.key);
  }
  const stored = new Set<string>();
  for await (const object of storage.list("")) stored.add(object.key);
  for (const key of stored) if (!expected.has(key)) broken.push(`object ${key} belongs to no live image`);
  for (const key of expected) if (!stored.has(key)) broken.push(`object ${key} of a ready image is missing`);

  // 4. No job stuck active (the repeatable reconcile job is active for a moment every interval,
  // so only a job active in two looks a lock period apart counts); failed jobs say why.
  const prefix = deployment.env.QUEUE_PREFIX;
  const activeKey = `${prefix}:images:active`;
  const before = new Set(await redis.lrange(activeKey, 0, -1));
  if (before.size > 0) {
    await sleep(Number(deployment.env.WORKER_LOCK_DURATION_MS ?? 5_000) + 1_000);
    for (const id of await redis.lrange(activeKey, 0, -1)) if (before.has(id)) broken.push(`job ${id} stuck active`);
  }
  for (const id of await redis.zrange(`${prefix}:images:failed`, 0, -1)) {
    const reason = await redis.hget(`${prefix}:images:${id}`, "failedReason");
    if (!reason) broken.push(`failed job ${id} has no reason`);
  }
  return broken;
}
