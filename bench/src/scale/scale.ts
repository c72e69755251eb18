// `pnpm bench:scale`: does a request cost the same with a thousand images as with a hundred
// thousand? One store per size, each seeded through the store's own port and served by its own
// API process, measured side by side — request by request, alternating between the sizes — so
// that a busy machine slows every size alike and the ratio stays the store's. On the default
// SQLite store (with targets) and on the MongoDB adapter over FerretDB (for information only:
// FerretDB v1 scans every collection).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provisionServices } from "@ingest/provision";
import { createJobQueue, createRedis, createStorage, parseConfig, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { reconcileLedger, workerSettingsFrom } from "@ingest/worker";
import sharp from "sharp";
import { type RunningApi, startApi } from "../api-process.ts";
import { distribution, round, timeEach } from "../measure.ts";
import { updateReadme } from "../readme-block.ts";
import { machineInfo, writeResults } from "../results.ts";
import { formatTables, judge, type ScaleRun, type SizeFigures } from "./scale-report.ts";
import { seedImages, seedOpenIntents } from "./seed.ts";

const args = new Map(process.argv.slice(2).flatMap((arg) => (arg.startsWith("--") ? [arg.slice(2).split("=") as [string, string]] : [])));
const SIZES = (args.get("sizes") ?? "1000,100000").split(",").map(Number);
const FERRET_SIZES = (args.get("ferret-sizes") ?? "1000,5000").split(",").map(Number);
const STORES = (args.get("stores") ?? "sqlite,mongodb").split(",") as ("sqlite" | "mongodb")[];
const BASE_URL = "http://127.0.0.1/files";
const quiet = { info() {}, warn() {}, error() {} };

const say = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);

/** One size of one store: its own data, its own API process. */
interface Site {
  readonly size: number;
  readonly env: Record<string, string>;
  readonly store: Store;
  readonly api: RunningApi;
  readonly keys: ReadonlyMap<string, string>;
  readonly sample: readonly { companyId: string; productId: string }[];
  /** Products the upload figure spreads its uploads over (under the cap). */
  readonly targets: string[];
}

async function main(): Promise<void> {
  const machine = machineInfo();
  say(`sizes ${SIZES.join(", ")} on SQLite; ${FERRET_SIZES.join(", ")} on FerretDB; load average ${machine.load}; loopback only`);
  const services = await provisionServices({ log: say });
  const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
  const runs: ScaleRun[] = [];
  try {
    for (const kind of STORES) {
      const sizes = kind === "sqlite" ? SIZES : FERRET_SIZES;
      // FerretDB scans every collection: fewer samples keep its (informational) run bounded.
      const counts = kind === "sqlite" ? { reads: 300, uploads: 100, passes: 20 } : { reads: 30, uploads: 15, passes: 3 };
      const sites: Site[] = [];
      try {
        for (const size of sizes) sites.push(await openSite(kind, size, work, services.settings));
        say(`${kind}: measuring ${sizes.join(" and ")} side by side`);
        const figures = await measureSideBySide(sites, photo, counts);
        runs.push({ store: kind, description: sites[0]!.store.description.replace(/\S+\.sqlite$/, "<one file per size>"), sizes: figures });
      } finally {
        for (const site of sites) {
          await site.api.stop();
          await site.store.close();
        }
      }
    }
  } finally {
    await services.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const verdicts = judge(runs.find((run) => run.store === "sqlite"));
  const file = writeResults("scale", { machine, runs, verdicts });
  const tables = formatTables(runs, verdicts);
  process.stdout.write(`${tables}\n\nresults: ${file}\n`);
  if (args.has("update-readme")) {
    const where = `Measured ${machine.at.slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, SQLite ${machine.sqlite} (load average at the start: ${machine.load}). Command: \`pnpm bench:scale ${process.argv.slice(2).join(" ")}\`.`;
    updateReadme("bench:scale", `${where}\n${tables}`);
  }
  process.exitCode = verdicts.every((verdict) => verdict.met) ? 0 : 1;
}

async function openSite(kind: "sqlite" | "mongodb", size: number, work: string, servers: { redisUrl: string; mongoUrl: string }): Promise<Site> {
  const suffix = `${kind}_${size}_${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    REDIS_URL: servers.redisUrl,
    QUEUE_PREFIX: `bench_${suffix}`,
    // What is measured is the store's cost, not the per-credential budgets.
    RATE_LIMIT_ENABLED: "false",
    STORAGE_DRIVER: "fs",
    FS_STORAGE_DIR: join(work, `objects-${suffix}`),
    ...(kind === "sqlite" ? { STORE: "sqlite", SQLITE_PATH: join(work, `${suffix}.sqlite`) } : { STORE: "mongodb", MONGO_URL: servers.mongoUrl, MONGO_DB: `bench_${suffix}` }),
  };
  const store = await openStore(parseConfig(env).store);
  const started = performance.now();
  const keys = new Map<string, string>();
  const { sample } = await seedImages(store, 0, size, BASE_URL, keys);
  say(`${kind}: ${size.toLocaleString("en")} images seeded in ${round((performance.now() - started) / 1000, 1)} s`);
  const api = await startApi(env);
  return { size, env, store, api, keys, sample, targets: [] };
}

function client(site: Site) {
  const key = site.keys.get("bench-co-0")!;
  const get = async (path: string, token: string) => {
    const reply = await fetch(`${site.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await reply.arrayBuffer();
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status}`);
  };
  const upload = async (productId: string, photo: Buffer) => {
    const form = new FormData();
    form.append("file", new Blob([photo], { type: "image/jpeg" }), "photo.jpg");
    const reply = await fetch(`${site.api.baseUrl}/api/v1/products/${productId}/images`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
    await reply.arrayBuffer();
    return reply.status;
  };
  const newProduct = async () => {
    const reply = await fetch(`${site.api.baseUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench upload" }),
    });
    return ((await reply.json()) as { id: string }).id;
  };
  return { get, upload, newProduct };
}

/** `count` samples per site, taken in turn (site A, site B, site A, …) after a warm-up of each. */
async function alternate(sites: readonly Site[], count: number, once: (site: Site, i: number) => Promise<void>): Promise<number[][]> {
  for (let i = 0; i < 10; i++) for (const site of sites) await once(site, -1 - i);
  const samples = sites.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    for (const [index, site] of sites.entries()) {
      const started = performance.now();
      await once(site, i);
      samples[index]!.push(performance.now() - started);
    }
  }
  return samples;
}

async function measureSideBySide(sites: readonly Site[], photo: Buffer, counts: { reads: number; uploads: number; passes: number }): Promise<SizeFigures[]> {
  const pick = (site: Site, i: number) => site.sample[Math.abs(i * 7919) % site.sample.length]!;
  const getProduct = await alternate(sites, counts.reads, (site, i) => client(site).get(`/api/v1/products/${pick(site, i).productId}`, site.keys.get(pick(site, i).companyId)!));
  const getImages = await alternate(sites, counts.reads, (site, i) =>
    client(site).get(`/api/v1/products/${pick(site, i).productId}/images`, site.keys.get(pick(site, i).companyId)!),
  );
  for (const site of sites) site.targets.push(...(await Promise.all(Array.from({ length: 12 }, () => client(site).newProduct()))));
  const uploads = await alternate(sites, counts.uploads, async (site, i) => {
    const status = await client(site).upload(site.targets[(i + 10) % site.targets.length]!, photo);
    if (status !== 201) throw new Error(`upload answered ${status}`);
  });

  const figures: SizeFigures[] = [];
  for (const [index, site] of sites.entries()) {
    // As callers do: a 503 (admission full) is retried after its Retry-After, a few times at most.
    const uploadRetrying = async (productId: string) => {
      for (let attempt = 1; ; attempt++) {
        const status = await client(site).upload(productId, photo);
        if (status !== 503 || attempt === 10) return status;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    const raceProduct = await client(site).newProduct();
    const raceStarted = performance.now();
    const statuses = await Promise.all(Array.from({ length: 50 }, () => uploadRetrying(raceProduct)));
    const race = { ms: round(performance.now() - raceStarted, 0), created: statuses.filter((s) => s === 201).length, refused: statuses.filter((s) => s === 422).length };

    const reconcile = await measureReconcile(site, counts.passes);
    const sizeFigures: SizeFigures = {
      images: site.size,
      getProduct: distribution(getProduct[index]!),
      getImages: distribution(getImages[index]!),
      uploads: distribution(uploads[index]!),
      race,
      ...reconcile,
    };
    say(
      `  ${site.size.toLocaleString("en")} images: GET product p50 ${round(sizeFigures.getProduct.p50)} ms, GET images p50 ${round(sizeFigures.getImages.p50)} ms, ` +
        `upload p50 ${round(sizeFigures.uploads.p50)} ms, race ${race.ms} ms (${race.created} × 201, ${race.refused} × 422), ` +
        `reconcile ${round(reconcile.reconcileIdle.p50)} ms idle / ${round(reconcile.reconcileOpen.p50)} ms with 1,000 open`,
    );
    figures.push(sizeFigures);
  }
  return figures;
}

/** A pass with no open work, then with 1,000 open intents (a dry run reads what a real pass reads and leaves them). */
async function measureReconcile(site: Site, passes: number) {
  const redis = createRedis(site.env.REDIS_URL!, "request");
  redis.on("error", () => {});
  const queue = createJobQueue(redis, site.env.QUEUE_PREFIX!);
  const config = parseConfig(site.env);
  const storage = await createStorage(config.storage);
  try {
    const deps = { ...site.store.repositories, storage, queue, settings: workerSettingsFrom(config), log: quiet };
    await closeOpenIntents(site.store); // the benchmark's own uploads (no worker runs here)
    const reconcileIdle = await timeEach(passes, () => reconcileLedger(deps), 3);
    await seedOpenIntents(site.store, 1_000, BASE_URL);
    const reconcileOpen = await timeEach(Math.max(2, Math.round(passes / 4)), () => reconcileLedger(deps, { dryRun: true }), 1);
    return { reconcileIdle, reconcileOpen };
  } finally {
    await queue.close();
    redis.disconnect();
    storage.close();
  }
}

/** Images the benchmark left `processing` (no worker runs here) are closed, so a pass finds no open work. */
async function closeOpenIntents(store: Store): Promise<void> {
  for (;;) {
    const open = await store.repositories.images.findStale("processing", new Date(Date.now() + 60_000), 500);
    if (open.length === 0) return;
    for (const image of open) await store.repositories.images.transition(image.id, ["processing"], "deleted");
  }
}

main().catch((error: unknown) => {
  say(error instanceof Error ? `${error.stack ?? error.message}${error.cause ? `\ncaused by: ${String(error.cause)}` : ""}` : String(error));
  process.exit(1);
});
