// One B3/B6 measurement in a process of its own, so that its CPU time and RSS are its own:
// `node image-lanes.ts <worker|bare> <file> <count> <concurrency> <workDir>` prints one JSON line.
// `worker` stages `count` copies of the file in a SQLite store and a folder storage and runs the
// worker's image job on each, `concurrency` at a time; `bare` makes the same outputs with bare
// sharp (decoded once, the same widths, format settings and placeholder), files in, files out.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONTENT_TYPE_BY_FORMAT, createStorage, type ImageFormat, originalKey, parseConfig, publicUrl } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { configureSharp, createImageCodec, processImage, workerSettingsFrom } from "@ingest/worker";
import sharp from "sharp";
import { rgbaToThumbHash } from "thumbhash";

const [mode, file, countText, concurrencyText, workDir] = process.argv.slice(2) as [string, string, string, string, string];
const count = Number(countText);
const concurrency = Number(concurrencyText);
const WIDTHS = [320, 640, 1280, 1920];
const WARM_UP = 2;

interface LaneFigures {
  readonly images: number;
  readonly wallS: number;
  readonly cpuS: number;
  /** RSS in MiB after every 10 images (B6). */
  readonly rssMiB: number[];
  readonly peakRssMiB: number;
}

/** Runs `job` for 0..total-1, `lanes` at a time; samples RSS every 10 completions. */
async function lanes(total: number, job: (i: number) => Promise<void>): Promise<LaneFigures> {
  for (let i = 0; i < WARM_UP; i++) await job(total + i);
  const rssMiB: number[] = [];
  let next = 0;
  let done = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        await job(next++);
        if (++done % 10 === 0) rssMiB.push(Math.round(process.memoryUsage().rss / 2 ** 20));
      }
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { images: total, wallS, cpuS: (cpu.user + cpu.system) / 1e6, rssMiB, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function widthsFor(width: number): number[] {
  const fit = WIDTHS.filter((w) => w <= width);
  if (width < WIDTHS.at(-1)! && !fit.includes(width)) fit.push(width);
  return fit;
}

async function bare(bytes: Buffer): Promise<LaneFigures> {
  sharp.concurrency(1);
  const out = join(workDir, "bare");
  mkdirSync(out, { recursive: true });
  return lanes(count, async (i) => {
    const input = await readFile(file);
    const { data, info } = await sharp(input, { failOn: "error" }).autoOrient().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    for (const width of widthsFor(info.width)) {
      await writeFile(join(out, `${i % 4}-${width}.webp`), await sharp(data, raw).resize({ width }).webp({ quality: 82, effort: 4 }).toBuffer());
    }
    const small = await sharp(data, raw).resize(100, 100, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    await sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 4 } }).stats();
    rgbaToThumbHash(small.info.width, small.info.height, small.data);
    await writeFile(join(out, `${i % 4}.orig`), bytes);
  });
}

async function worker(bytes: Buffer, format: ImageFormat): Promise<LaneFigures> {
  const env = { STORE: "sqlite", SQLITE_PATH: join(workDir, "worker.sqlite"), STORAGE_DRIVER: "fs", FS_STORAGE_DIR: join(workDir, "objects"), REDIS_URL: "redis://127.0.0.1:1", LOG_LEVEL: "warn" };
  const config = parseConfig(env);
  configureSharp({ concurrency: config.worker.sharpConcurrency });
  const store = await openStore(config.store);
  const storage = await createStorage(config.storage);
  const { images, products } = store.repositories;
  const quiet = { info() {}, warn() {}, error() {} };
  // No webhook endpoint exists here: the verdict costs the one indexed read a company without webhooks pays.
  const deps = {
    images,
    products,
    webhooks: store.repositories.webhooks,
    queue: { enqueue: async () => {} },
    storage,
    codec: createImageCodec({ maxPixels: config.worker.maxPixels }),
    settings: workerSettingsFrom(config),
    log: quiet,
  };
  // Staged as the API leaves an upload (ledger, bytes, product revision, `processing`), before the clock starts.
  const ids: string[] = [];
  let product = await products.create("bench", { name: "bench", sku: null, images: [] });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  for (let i = 0; i < count + WARM_UP; i++) {
    // A product holds a handful of images, as in real catalogues (and within the per-product cap).
    if (i % 10 === 9) product = await products.create("bench", { name: "bench", sku: null, images: [] });
    const id = randomBytes(12).toString("hex");
    const key = originalKey("bench", product.id, id, format);
    const url = publicUrl(config.publicBaseUrl, key);
    await images.insertStaged({ id, companyId: "bench", productId: product.id, key, url, format, contentType: CONTENT_TYPE_BY_FORMAT[format], bytes: bytes.length, sha256 });
    await storage.put(key, bytes, { contentType: CONTENT_TYPE_BY_FORMAT[format] });
    await products.change("bench", product.id, (current) => ({
      change: { kind: "update", fields: { name: current.name, sku: current.sku, images: [...current.images, { url, imageId: id }] } },
      result: null,
    }));
    await images.transition(id, ["staged"], "processing");
    ids.push(id);
  }
  try {
    return await lanes(count, async (i) => {
      const result = await processImage({ imageId: ids[i]! }, deps);
      if (result.outcome !== "ready") throw new Error(`image ${i}: ${JSON.stringify(result)}`);
    });
  } finally {
    storage.close();
    await store.close();
  }
}

const bytes = readFileSync(file);
const format = (await sharp(bytes).metadata()).format as ImageFormat;
const figures = mode === "bare" ? await bare(bytes) : await worker(bytes, format);
process.stdout.write(`${JSON.stringify(figures)}\n`);
