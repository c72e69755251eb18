import { randomBytes } from "node:crypto";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { createJobQueue, createRedis, type JobQueue, PermanentJobError, type Redis, startJobWorker } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOnlyJson, runCli } from "../support/cli-process.ts";

let names: TestNames;
let env: Record<string, string>;
let redis: Redis;
let queue: JobQueue;

beforeAll(async () => {
  names = uniqueTestNames("cli-queues");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent" };
  redis = createRedis(env.REDIS_URL!, "blocking");
  queue = createJobQueue(redis, names.queuePrefix);
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await cleanUpTestData(testServices(), names);
});

interface Overview {
  queues: { queue: string; workers: number; counts: Record<string, number>; oldestWaiting: { id: string; name: string } | null }[];
  failed: { queue: string; id: string; name: string; failedReason: string; attemptsMade: number }[];
}

const imageId = () => randomBytes(12).toString("hex");

/** Fails every process-image job at once (a permanent failure: no retries), as a broken image would. */
async function failJobs(ids: readonly string[]): Promise<void> {
  const connection = createRedis(env.REDIS_URL!, "blocking");
  let failed = 0;
  const settled = Promise.withResolvers<void>();
  const worker = startJobWorker({
    connection,
    prefix: names.queuePrefix,
    concurrency: 2,
    handlers: {
      "process-image": async ({ imageId }) => {
        throw new PermanentJobError(`cannot decode ${imageId}`);
      },
      "delete-image": async () => undefined,
      reconcile: async () => undefined,
      audit: async () => undefined,
      "deliver-webhook": async () => undefined,
    },
    onFailed: () => {
      if (++failed === ids.length) settled.resolve();
    },
  });
  for (const id of ids) await queue.enqueue("process-image", { imageId: id });
  await settled.promise;
  await worker.close(5_000);
  connection.disconnect();
}

describe("pnpm cli queues", { timeout: 120_000 }, () => {
  it("shows counts, the oldest waiting job and failed jobs with their reasons; retries and drops them", async () => {
    const [a, b, c] = [imageId(), imageId(), imageId()];
    await failJobs([a, b, c]);
    const waiting = imageId();
    await queue.enqueue("delete-image", { imageId: waiting });

    const shown = await runCli(env, "queues", "--json");
    expect(shown.code).toBe(0);
    const overview = parseOnlyJson(shown) as Overview;
    expect(overview.queues.map((entry) => entry.queue)).toEqual(["images", "maintenance", "webhooks"]);
    expect(overview.queues[0]).toMatchObject({ queue: "images", workers: 0, counts: { failed: 3, waiting: 1, active: 0 } });
    expect(overview.queues[0]!.oldestWaiting).toMatchObject({ id: `delete-image-${waiting}`, name: "delete-image" });
    expect(overview.failed.map((job) => job.id).sort()).toEqual([a, b, c].map((id) => `process-image-${id}`).sort());
    expect(overview.failed.find((job) => job.id === `process-image-${a}`)).toMatchObject({ failedReason: `cannot decode ${a}`, attemptsMade: 1 });

    const human = await runCli(env, "queues");
    expect(human.stdout).toMatch(/queue images \(0 worker\(s\)\): waiting 1, active 0, delayed 0, prioritized 0, failed 3, completed 0/);
    expect(human.stdout).toMatch(/queue maintenance \(0 worker\(s\)\): waiting 0/);
    expect(human.stdout).toContain(`process-image-${b}  process-image  after 1 attempt(s)`);
    expect(human.stdout).toContain(`cannot decode ${b}`);

    const retried = await runCli(env, "queues", "retry", `process-image-${a}`, "process-image-nope", "--json");
    expect(retried.code).toBe(1);
    expect(parseOnlyJson(retried)).toEqual({ retried: [`process-image-${a}`], notFailed: ["process-image-nope"] });
    expect(await queue.isLive("process-image", { imageId: a })).toBe(true);

    const dropped = await runCli(env, "queues", "drop", "--all", "--json");
    expect(dropped.code).toBe(0);
    expect((parseOnlyJson(dropped) as { dropped: string[] }).dropped.sort()).toEqual([b, c].map((id) => `process-image-${id}`).sort());
    const after = parseOnlyJson(await runCli(env, "queues", "--json")) as Overview;
    expect(after.queues[0]!.counts).toMatchObject({ failed: 0, waiting: 2 });
    expect(after.failed).toEqual([]);
  });

  it("retry and drop need ids or --all, not both", async () => {
    const [neither, both] = await Promise.all([runCli(env, "queues", "retry"), runCli(env, "queues", "drop", "x", "--all")]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give one or more job ids, or --all/);
    expect(both.code).toBe(2);
  });
});
