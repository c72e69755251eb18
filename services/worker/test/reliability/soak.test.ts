import { setTimeout as sleep } from "node:timers/promises";
import { recordFinding, reliabilityProfile } from "@ingest/provision/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, startDeployment } from "./support/deployment.ts";
import { checkPromises, settle } from "./support/promises-check.ts";
import { summarize, type Target, type UploadOutcome, uploadOnce } from "./support/upload-load.ts";

/**
 * A bounded soak: uploads at a steady rate for the profile's duration (10 minutes in the full
 * run), sampling every 2 s the API's and the worker's RSS, how long each takes to answer
 * /healthz (its event loop's delay, seen from outside), the queue's depth and the errors. It
 * fails on an upward memory trend or on any lost image (promises 1–7 afterwards).
 */
const profile = reliabilityProfile();
const SUITE = "soak";
const SAMPLE_MS = 2_000;
const MAX_IN_FLIGHT = 16;
let deployment: Deployment;
let targets: Target[];
let png: Buffer;

interface Sample {
  readonly at: number;
  readonly apiRss: number | null;
  readonly workerRss: number | null;
  readonly apiHealthMs: number;
  readonly workerHealthMs: number;
  readonly queueDepth: number;
}

beforeAll(async () => {
  // The embedded store, as one machine runs it (FerretDB scans whole collections: its speed says nothing).
  deployment = await startDeployment("soak", "sqlite");
  const total = Math.ceil((profile.soakRatePerSecond * profile.soakMs) / 1000);
  targets = [];
  const tenants = [await deployment.createTenant(), await deployment.createTenant()];
  for (let p = 0; p < Math.ceil(total / 18) + 1; p++) {
    const tenant = tenants[p % tenants.length]!;
    const created = await fetch(`${deployment.baseUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `soak ${p}` }),
    });
    targets.push({ ...tenant, productId: ((await created.json()) as { id: string }).id });
  }
  png = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 120, b: 20 }, noise: { type: "gaussian", mean: 100, sigma: 30 } } })
    .png()
    .toBuffer();
}, 180_000);
afterAll(async () => {
  await deployment?.close();
});

async function timed(url: string): Promise<number> {
  const started = performance.now();
  await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => {});
  return performance.now() - started;
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Whether the second half of the (post-warm-up) samples is clearly above the first. */
function trendsUp(values: readonly number[]): boolean {
  const settled = values.slice(Math.floor(values.length / 5));
  if (settled.length < 4) return false;
  const half = Math.floor(settled.length / 2);
  const first = mean(settled.slice(0, half));
  const second = mean(settled.slice(half));
  return second > first * 1.25 + 32 * 2 ** 20;
}

describe(SUITE, () => {
  it(`a steady ${profile.soakRatePerSecond} uploads/s: memory flat, no image lost`, async () => {
    const outcomes: UploadOutcome[] = [];
    const samples: Sample[] = [];
    const { queue } = await deployment.view();
    const workerHealth = `http://127.0.0.1:${deployment.worker().healthPort}/healthz`;
    const started = Date.now();
    let inFlight = 0;
    let skipped = 0;
    let sent = 0;
    const pending: Promise<void>[] = [];

    const sampler = (async () => {
      while (Date.now() - started < profile.soakMs) {
        const counts = await queue.counts().catch(() => null);
        samples.push({
          at: Date.now() - started,
          apiRss: deployment.rssOf(deployment.api().pid),
          workerRss: deployment.rssOf(deployment.worker().child.pid),
          apiHealthMs: await timed(`${deployment.baseUrl}/healthz`),
          workerHealthMs: await timed(workerHealth),
          queueDepth: counts ? counts.waiting + counts.active + counts.delayed : -1,
        });
        await sleep(SAMPLE_MS);
      }
    })();

    const interval = 1000 / profile.soakRatePerSecond;
    while (Date.now() - started < profile.soakMs) {
      if (inFlight >= MAX_IN_FLIGHT) skipped++;
      else {
        inFlight++;
        const target = targets[sent++ % targets.length]!;
        pending.push(
          uploadOnce(deployment, target, png).then((outcome) => {
            outcomes.push(outcome);
            inFlight--;
          }),
        );
      }
      await sleep(interval);
    }
    await Promise.all(pending);
    await sampler;

    const records = await settle(deployment, targets, profile.name === "full" ? 300_000 : 90_000);
    const broken = await checkPromises(deployment, targets, outcomes, records);
    const errors = outcomes.filter((o) => o.kind !== "created").length;
    const apiRss = samples.map((s) => s.apiRss ?? 0);
    const workerRss = samples.map((s) => s.workerRss ?? 0);
    const leaks = [trendsUp(apiRss) ? "API RSS trends up" : null, trendsUp(workerRss) ? "worker RSS trends up" : null].filter(Boolean);
    const held = [
      `${outcomes.length} uploads over ${(profile.soakMs / 1000).toFixed(0)} s (${skipped} not sent: ${MAX_IN_FLIGHT} already in flight), answers ${JSON.stringify(summarize(outcomes))}`,
      `API RSS ${mib(apiRss[0] ?? 0)} → ${mib(apiRss.at(-1) ?? 0)} (max ${mib(Math.max(...apiRss))}), worker RSS ${mib(workerRss[0] ?? 0)} → ${mib(workerRss.at(-1) ?? 0)} (max ${mib(Math.max(...workerRss))})`,
      `/healthz max ${Math.max(...samples.map((s) => s.apiHealthMs)).toFixed(0)} ms (API), ${Math.max(...samples.map((s) => s.workerHealthMs)).toFixed(0)} ms (worker); queue depth max ${Math.max(...samples.map((s) => s.queueDepth))}`,
      broken.length === 0 && leaks.length === 0 ? "promises 1–7 held; memory flat" : `BROKEN: ${[...leaks, ...broken.slice(0, 5)].join("; ")}`,
    ].join("; ");
    recordFinding({ suite: SUITE, tried: `steady ${profile.soakRatePerSecond}/s for ${(profile.soakMs / 1000).toFixed(0)} s, ${samples.length} samples`, held, ok: broken.length === 0 && leaks.length === 0 });
    expect(broken).toEqual([]);
    expect(leaks).toEqual([]);
    expect(errors).toBe(0);
  });
});
