// `pnpm bench:scale`: does a request cost the same with a thousand images as with a hundred
// thousand? Seeds a ledger through the store's own port, then measures the API over real HTTP and
// a reconcile pass in process, at each size, on the default SQLite store (with targets) and on
// the MongoDB adapter over FerretDB (for information: FerretDB v1 scans every collection).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provisionServices } from "@ingest/provision";
import { createJobQueue, createRedis, createStorage, parseConfig, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { reconcileLedger, workerSettingsFrom } from "@ingest/worker";
import sharp from "sharp";
import { startApi } from "../api-process.ts";
import { type Distribution, round, timeEach } from "../measure.ts";
import { machineInfo, writeResults } from "../results.ts";
import { seedImages, seedOpenIntents } from "./seed.ts";
import { judge, type ScaleRun, type SizeFigures, printTable } from "./scale-report.ts";

const args = new Map(process.argv.slice(2).flatMap((arg) => (arg.startsWith("--") ? [arg.slice(2).split("=") as [string, string]] : [])));
const SIZES = (args.get("sizes") ?? "1000,100000").split(",").map(Number);
const FERRET_SIZES = (args.get("ferret-sizes") ?? "1000,10000").split(",").map(Number);
const STORES = (args.get("stores") ?? "sqlite,mongodb").split(",") as ("sqlite" | "mongodb")[];
const quiet = { info() {}, warn() {}, error() {} };

const say = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);

async function main(): Promise<void> {
  say(`sizes ${SIZES.join(", ")} on SQLite; ${FERRET_SIZES.join(", ")} on FerretDB; loopback only`);
  const services = await provisionServices({ log: say });
  const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } }).jpeg({ quality: 85 }).toBuffer();
  const runs: ScaleRun[] = [];
  try {
    for (const kind of STORES) {
      const sizes = kind === "sqlite" ? SIZES : FERRET_SIZES;
      const suffix = `${kind}_${Date.now().toString(36)}`;
      const env: Record<string, string> = {
        REDIS_URL: services.settings.redisUrl,
        QUEUE_PREFIX: `bench_${suffix}`,
        STORAGE_DRIVER: "fs",
        FS_STORAGE_DIR: join(work, `objects-${kind}`),
        ...(kind === "sqlite" ? { STORE: "sqlite", SQLITE_PATH: join(work, "bench.sqlite") } : { STORE: "mongodb", MONGO_URL: services.settings.mongoUrl, MONGO_DB: `bench_${suffix}` }),
      };
      const store = await openStore(parseConfig(env).store);
      const run: ScaleRun = { store: kind, description: store.description, sizes: [] };
      try {
        const keys = new Map<string, string>();
        let seeded = 0;
        for (const size of sizes) {
          const started = performance.now();
          const { sample } = await seedImages(store, seeded, size, "http://127.0.0.1/files", keys);
          seeded = size;
          say(`${kind}: ledger at ${size} images (seeded in ${round((performance.now() - started) / 1000, 1)} s); measuring`);
          // FerretDB scans every collection: fewer samples keep its (informational) run bounded.
          const counts = kind === "sqlite" ? { reads: 300, uploads: 100 } : { reads: 40, uploads: 20 };
          run.sizes.push(await measureAt(size, store, env, keys, sample, photo, counts));
        }
      } finally {
        await store.close();
      }
      runs.push(run);
    }
  } finally {
    await services.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const verdicts = judge(runs.find((run) => run.store === "sqlite"));
  const file = writeResults("scale", { machine: machineInfo(), runs, verdicts });
  printTable(runs, verdicts);
  process.stdout.write(`\nresults: ${file}\n`);
  process.exitCode = verdicts.every((verdict) => verdict.met) ? 0 : 1;
}

async function measureAt(
  size: number,
  store: Store,
  env: Record<string, string>,
  keys: ReadonlyMap<string, string>,
  sample: readonly { companyId: string; productId: string }[],
  photo: Buffer,
  counts: { readonly reads: number; readonly uploads: number },
): Promise<SizeFigures> {
  const api = await startApi(env);
  try {
    const get = (path: string, key: string) =>
      fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(async (reply) => {
        await reply.arrayBuffer();
        if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status}`);
      });
    const pick = (i: number) => sample[Math.abs(i * 7919) % sample.length]!;
    const getProduct = await timeEach(counts.reads, (i) => get(`/api/v1/products/${pick(i).productId}`, keys.get(pick(i).companyId)!), 10);
    const getImages = await timeEach(counts.reads, (i) => get(`/api/v1/products/${pick(i).productId}/images`, keys.get(pick(i).companyId)!), 10);
    say(`  reads: GET product p50 ${round(getProduct.p50)} ms, GET images p50 ${round(getImages.p50)} ms`);

    const key = keys.get("bench-co-0")!;
    const newProduct = async () => {
      const reply = await fetch(`${api.baseUrl}/api/v1/products`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench upload" }),
      });
      return ((await reply.json()) as { id: string }).id;
    };
    const upload = async (productId: string) => {
      const form = new FormData();
      form.append("file", new Blob([photo], { type: "image/jpeg" }), "photo.jpg");
      const reply = await fetch(`${api.baseUrl}/api/v1/products/${productId}/images`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
      await reply.arrayBuffer();
      return reply.status;
    };
    const targets = await Promise.all(Array.from({ length: 12 }, newProduct));
    const uploads = await timeEach(
      counts.uploads,
      async (i) => {
        const status = await upload(targets[(i + 10) % targets.length]!);
        if (status !== 201) throw new Error(`upload answered ${status}`);
      },
      10,
    );
    say(`  uploads: p50 ${round(uploads.p50)} ms, p99 ${round(uploads.p99)} ms`);

    // As callers do: a 503 (admission full) is retried after its Retry-After, a few times at most.
    const uploadRetrying = async (productId: string) => {
      for (let attempt = 1; ; attempt++) {
        const status = await upload(productId);
        if (status !== 503 || attempt === 10) return status;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    const raceProduct = await newProduct();
    const raceStarted = performance.now();
    const statuses = await Promise.all(Array.from({ length: 50 }, () => uploadRetrying(raceProduct)));
    const race = { ms: round(performance.now() - raceStarted, 0), created: statuses.filter((s) => s === 201).length, refused: statuses.filter((s) => s === 422).length };
    say(`  50-way race: ${race.ms} ms (${race.created} × 201, ${race.refused} × 422)`);

    const redis = createRedis(env.REDIS_URL!, "request");
    redis.on("error", () => {});
    const queue = createJobQueue(redis, env.QUEUE_PREFIX!);
    const config = parseConfig(env);
    const storage = createStorage(config.storage);
    try {
      const deps = { ...store.repositories, storage, queue, settings: workerSettingsFrom(config), log: quiet };
      const idle = await timeEach(20, () => reconcileLedger(deps), 3);
      await seedOpenIntents(store, 1_000, "http://127.0.0.1/files");
      // A dry run reads exactly what a real pass reads and leaves the open work for the next figure.
      const open = await timeEach(5, () => reconcileLedger(deps, { dryRun: true }), 1);
      await closeOpenIntents(store);
      say(`  reconcile pass: ${round(idle.p50)} ms with no open work, ${round(open.p50)} ms with 1,000 open intents`);
      return { images: size, getProduct, getImages, uploads, race, reconcileIdle: idle, reconcileOpen: open };
    } finally {
      await queue.close();
      redis.disconnect();
      storage.close();
    }
  } finally {
    await api.stop();
  }
}

/**
 * The seeded open work, and the benchmark's own uploads (no worker runs here, so they stay
 * processing), are closed again: the next size starts with no open work.
 */
async function closeOpenIntents(store: Store): Promise<void> {
  for (;;) {
    const open = await store.repositories.images.findStale("processing", new Date(Date.now() + 60_000), 500);
    if (open.length === 0) return;
    for (const image of open) await store.repositories.images.transition(image.id, ["processing"], "deleted");
  }
}

export type { Distribution };

main().catch((error: unknown) => {
  say(error instanceof Error ? `${error.stack ?? error.message}${error.cause ? `\ncaused by: ${String(error.cause)}` : ""}` : String(error));
  process.exit(1);
});
