import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { distribution, round } from "../measure.ts";
import { type LaneFigures, runLanes, runVipsthumbnail } from "./lanes-process.ts";
import type { Photo } from "./photos.ts";
import type { Row } from "./speed-report.ts";

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** B3: the worker's image job against bare sharp doing the same outputs, same files, same lanes. */
export async function measureWorker(photos: readonly Photo[], count: number, lanes: number, workDir: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const photo of photos) {
    const file = join(workDir, `${photo.name.replace(/\W+/g, "-")}.${photo.format}`);
    writeFileSync(file, photo.bytes);
    const { bare, worker } = await interleaved(file, count, lanes, workDir);
    const service = { imagesPerS: round(worker.images / worker.wallS), cpuSPerImage: round(worker.cpuS / worker.images, 3), peakRssMiB: worker.peakRssMiB };
    const baseline = { imagesPerS: round(bare.images / bare.wallS), cpuSPerImage: round(bare.cpuS / bare.images, 3), peakRssMiB: bare.peakRssMiB };
    say(`B3 ${photo.name}: worker ${service.imagesPerS}/s ${service.cpuSPerImage} CPU s; bare sharp ${baseline.imagesPerS}/s ${baseline.cpuSPerImage} CPU s`);
    rows.push({
      id: "B3",
      what: `${photo.name} (${photo.width}×${photo.height}) → 4 WebP widths + placeholder + clean original, ${count} images, ${lanes} lanes`,
      service,
      baseline: { what: "bare sharp, decoded once, same outputs", ...baseline },
      // Throughput and CPU both count: the ratio is the worse of the two.
      ratio: round(Math.min(service.imagesPerS / baseline.imagesPerS, baseline.cpuSPerImage / service.cpuSPerImage)),
      target: 0.9,
    });
    if (photo.format === "jpeg") {
      const vips = await runVipsthumbnail(file, count, lanes, workDir);
      if (vips) {
        rows.push({
          id: "B3",
          what: `${photo.name}: vipsthumbnail, one 1920 px WebP per image (shrink-on-load), for scale`,
          service: { imagesPerS: round(count / vips.wallS), cpuSPerImage: round(vips.cpuS / count, 3) },
          baseline: null,
          ratio: null,
          target: null,
        });
      }
    }
  }
  return rows;
}

/**
 * The two sides in alternating rounds (bare, worker, worker, bare, ...), summed: on a shared
 * machine the load drifts, and one long run each would hand the drift to one side.
 */
async function interleaved(file: string, count: number, lanes: number, workDir: string): Promise<{ bare: LaneFigures; worker: LaneFigures }> {
  const rounds = Math.max(1, Math.min(4, Math.floor(count / 5)));
  const sums = { bare: { images: 0, wallS: 0, cpuS: 0, rssMiB: [], peakRssMiB: 0 } as LaneFigures, worker: { images: 0, wallS: 0, cpuS: 0, rssMiB: [], peakRssMiB: 0 } as LaneFigures };
  for (let round = 0; round < rounds; round++) {
    const share = Math.floor(count / rounds) + (round < count % rounds ? 1 : 0);
    const order: ("bare" | "worker")[] = round % 2 === 0 ? ["bare", "worker"] : ["worker", "bare"];
    for (const mode of order) {
      const run = await runLanes(mode, file, share, lanes, workDir);
      const sum = sums[mode];
      sums[mode] = { images: sum.images + run.images, wallS: sum.wallS + run.wallS, cpuS: sum.cpuS + run.cpuS, rssMiB: [], peakRssMiB: Math.max(sum.peakRssMiB, run.peakRssMiB) };
    }
  }
  return sums;
}

/**
 * B6: the worker's RSS over `count` images, 1 MB JPEGs. RSS is read every 10 images, and each
 * figure is the median of a 100-image window: images 101–200 ("after the first 100") against the
 * last 100. One reading alone says more about when V8 last collected sharp's output buffers than
 * about the level (on one host single readings swung 164–288 MiB with the heap flat).
 */
export async function measureDrift(photo: Photo, count: number, lanes: number, workDir: string): Promise<Row> {
  const file = join(workDir, `drift.${photo.format}`);
  writeFileSync(file, photo.bytes);
  const worker = await runLanes("worker", file, count, lanes, workDir);
  const readings = worker.rssMiB;
  const every100 = readings.filter((_, i) => i % 10 === 9);
  const first = distribution(readings.slice(10, 20)).p50;
  const last = distribution(readings.slice(-10)).p50;
  say(`B6: RSS every 100 images: ${every100.join(", ")} MiB; every 10: ${readings.join(", ")}`);
  return {
    id: "B6",
    what: `worker RSS over ${count} images (${photo.name}, ${lanes} lanes; median of the readings every 10 images in a 100-image window)`,
    service: { rssMiBLast100: last, rssMiBEvery100: every100, lowestMiB: Math.min(...readings), highestMiB: Math.max(...readings) },
    baseline: { what: "its RSS over images 101–200", rssMiB: first },
    ratio: round(Math.abs(last - first) / first, 3),
    target: 0.1,
    lowerIsBetter: true,
  };
}

/** AVIF encoder effort against size and CPU, one 1280 px encode of the same pixels, 3 times each. */
export async function measureAvifEffort(photo: Photo): Promise<Row[]> {
  const { data, info } = await sharp(photo.bytes).raw().toBuffer({ resolveWithObject: true });
  const pixels = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).resize({ width: 1280 }).raw().toBuffer({ resolveWithObject: true });
  const figures: Record<number, { cpuS: number; bytes: number }> = {};
  for (const effort of [2, 3, 4]) {
    const before = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const raw = { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } };
      bytes = (await sharp(pixels.data, raw).avif({ quality: 55, effort }).toBuffer()).length;
    }
    const cpu = process.cpuUsage(before);
    figures[effort] = { cpuS: round((cpu.user + cpu.system) / 1e6 / 3, 3), bytes };
  }
  say(`AVIF effort: ${JSON.stringify(figures)}`);
  return [2, 3].map((effort) => ({
    id: "AVIF",
    what: `AVIF effort ${effort} vs 4, one 1280 px encode of the ${photo.name}`,
    service: { effort, ...figures[effort]! },
    baseline: { what: "effort 4", ...figures[4]! },
    ratio: round(figures[effort]!.bytes / figures[4]!.bytes, 3),
    target: null,
    note: `CPU ${round(figures[effort]!.cpuS / figures[4]!.cpuS)} × effort 4's; size ratio shown`,
  }));
}
