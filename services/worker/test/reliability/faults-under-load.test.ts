import { setTimeout as sleep } from "node:timers/promises";
import { recordFinding, reliabilityProfile } from "@ingest/provision/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, startDeployment } from "./support/deployment.ts";
import { checkPromises, settle } from "./support/promises-check.ts";
import { runLoad, summarize, type Target } from "./support/upload-load.ts";

/**
 * Faults under a bounded load: while uploads run, the worker and the API are killed with SIGKILL
 * and started again, Redis is stopped and started (its jobs are lost: it keeps no data), and the
 * storage server and the database are frozen with SIGSTOP for a few seconds, and the database
 * server (MongoDB store) is killed with SIGKILL and started again. Afterwards, with
 * everything back, promises 1–7 are checked on the settled state.
 */
const profile = reliabilityProfile();
/** The full run does both stores; the CI subset the MongoDB one, whose server can also be frozen. */
const STORES = profile.name === "full" ? (["sqlite", "mongodb"] as const) : (["mongodb"] as const);

describe.each(STORES)("faults under load (%s store)", (store) => {
const SUITE = `faults under load (${store} store)`;
let deployment: Deployment;
let targets: Target[];
let png: Buffer;

beforeAll(async () => {
  // The rate limiter stays on (its fail-open path is tried while Redis is away), with room for
  // the load: at full speed 8 clients send several hundred uploads a minute per credential,
  // and a 429 would be the limit doing its job, not a fault being handled.
  deployment = await startDeployment("faults", store, { RATE_LIMIT_UPLOADS: "100000/min", RATE_LIMIT_REQUESTS: "100000/min" });
  targets = [];
  for (let t = 0; t < 3; t++) {
    const tenant = await deployment.createTenant();
    for (let p = 0; p < Math.ceil((profile.faultUploads * 3) / 3 / 18); p++) {
      const created = await fetch(`${deployment.baseUrl}/api/v1/products`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `load ${t}.${p}` }),
      });
      targets.push({ ...tenant, productId: ((await created.json()) as { id: string }).id });
    }
  }
  png = await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 20, g: 90, b: 200 } } }).png().toBuffer();
}, 180_000);
afterAll(async () => {
  await deployment?.close();
});

/** Each fault, in the order they are done; every one is undone in a finally. */
function faults(d: Deployment): [string, () => Promise<void>][] {
  const freeze = async (server: { pause(): void; resume(): void }): Promise<void> => {
    server.pause();
    try {
      await sleep(3_000);
    } finally {
      server.resume();
    }
  };
  return [
    ["kill -9 the worker, start it again", () => d.restartWorker()],
    ["freeze the storage server (SIGSTOP) for 3 s", () => freeze(d.minio.server)],
    ["stop Redis for 3 s (its jobs are lost), start it again", async () => {
      await d.redis.server.stop();
      try {
        await sleep(3_000);
      } finally {
        await d.redis.server.start();
      }
    }],
    ["kill -9 the API, start it again", () => d.restartApi()],
    ...(d.mongo
      ? ([
          ["freeze the database (SIGSTOP) for 3 s", () => freeze(d.mongo!.server)],
          ["kill -9 the database server, start it again 2 s later", async () => {
            await d.mongo!.server.kill();
            try {
              await sleep(2_000);
            } finally {
              await d.mongo!.server.start();
            }
          }],
        ] as [string, () => Promise<void>][])
      : []),
    ["kill -9 the worker mid-job, start it again", () => d.restartWorker()],
  ];
}

  it("clients see 201 or an honest refusal, never a hang; afterwards promises 1–7 hold", async () => {
    const done: string[] = [];
    let chaosOver = false;
    // The load goes on until every fault has been done (at most 3× the profile's count).
    const load = runLoad(deployment, targets, png, {
      min: profile.faultUploads,
      max: profile.faultUploads * 3,
      concurrency: profile.faultConcurrency,
      keepGoing: () => !chaosOver,
    });
    const chaos = (async () => {
      try {
        for (const [label, fault] of faults(deployment)) {
          await sleep(1_000);
          await fault();
          done.push(label);
        }
      } finally {
        chaosOver = true;
      }
    })();
    const [outcomes] = await Promise.all([load, chaos]);

    const records = await settle(deployment, targets, profile.name === "full" ? 300_000 : 90_000);
    const broken = await checkPromises(deployment, targets, outcomes, records);
    const counts = summarize(outcomes);
    recordFinding({
      suite: SUITE,
      tried: `${outcomes.length} uploads, ${profile.faultConcurrency} at a time, during: ${done.join("; ")}`,
      held: broken.length === 0 ? `clients saw ${JSON.stringify(counts)}; promises 1–7 held after settling` : `BROKEN: ${broken.slice(0, 5).join("; ")}`,
      ok: broken.length === 0,
    });
    expect(broken).toEqual([]);
    expect(done).toHaveLength(faults(deployment).length);
    expect(outcomes.filter((o) => o.kind === "created").length).toBeGreaterThan(0);
  });
});
