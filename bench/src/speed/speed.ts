// `pnpm bench`: the worker and the upload path, each figure against a baseline taken in the same
// run on the same machine (see bench/README.md). Loads go to 127.0.0.1 only, bounded in count.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer } from "@ingest/provision";
import sharp from "sharp";
import { round } from "../measure.ts";
import { updateReadme } from "../readme-block.ts";
import { machineInfo, writeResults } from "../results.ts";
import { measurePipeline, measureUploads, prepareStack } from "./api-phases.ts";
import { makePhotos } from "./photos.ts";
import { measureUploadsToS3 } from "./s3-uploads.ts";
import { formatTable, met, type Row } from "./speed-report.ts";
import { measureUploadMemory } from "./upload-memory.ts";
import { measureAvifEffort, measureDrift, measureWorker } from "./worker-phases.ts";

const args = new Map(process.argv.slice(2).flatMap((arg) => (arg.startsWith("--") ? [arg.slice(2).split("=") as [string, string]] : [])));
const ONLY = new Set((args.get("only") ?? "B1,B1S3,B2,B3,B4,B6,AVIF").split(","));
const B3_COUNT = Number(args.get("b3-count") ?? 40);
const B6_COUNT = Number(args.get("b6-count") ?? 1000);
const B1_COUNT = Number(args.get("b1-count") ?? 200);
const B4_SECONDS = Number(args.get("b4-seconds") ?? 60);
const LANES = 2;

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "bench-speed-"));
  const rows: Row[] = [];
  const loads: Record<string, number[]> = {};
  const phase = async (id: string, run: () => Promise<Row | Row[]>) => {
    if (!ONLY.has(id)) return;
    loads[id] = loadavg().map((value) => round(value));
    say(`${id}: load average ${loads[id]!.join(" ")}`);
    const result = await run();
    rows.push(...(Array.isArray(result) ? result : [result]));
  };
  // The default store is SQLite with folder storage: Redis is the only server these phases need.
  const redis = ["B1", "B1S3", "B2", "B4"].some((id) => ONLY.has(id)) ? await startRedisServer() : null;
  try {
    say("making the test images");
    const photos = await makePhotos();
    await phase("B3", () => measureWorker([photos.jpeg12mp, photos.jpeg1mb, photos.png, photos.webp], B3_COUNT, LANES, work));
    await phase("AVIF", () => measureAvifEffort(photos.jpeg1mb));
    await phase("B6", () => measureDrift(photos.jpeg1mb, B6_COUNT, LANES, work));
    const redisUrl = redis?.url ?? "";
    await phase("B1", async () => measureUploads(photos.jpeg1mb, await prepareStack(work, redisUrl, "b1"), work, [1, 8, 32], B1_COUNT));
    // The same upload path with the S3 driver, against a direct PUT to a local MinIO (when installed).
    await phase("B1S3", () => measureUploadsToS3(photos.jpeg1mb, work, redisUrl, [8, 32], B1_COUNT));
    await phase("B2", async () => measureUploadMemory(photos.jpeg4mb, await prepareStack(work, redisUrl, "b2"), 64, work));
    await phase("B4", async () => {
      // The highest rate the worker sustains is its B3 throughput on the same file, measured above.
      const sustained = rows.find((row) => row.id === "B3" && row.what.startsWith(photos.jpeg1mb.name))?.service.imagesPerS as number | undefined;
      const rate = round(0.9 * (sustained ?? 1), 2);
      return [
        await measurePipeline(photos.jpeg1mb, await prepareStack(work, redisUrl, "b4full"), rate, B4_SECONDS, null),
        await measurePipeline(photos.jpeg1mb, await prepareStack(work, redisUrl, "b4half"), round(rate / 2, 2), B4_SECONDS, 2),
      ];
    });
  } finally {
    await redis?.close();
    rmSync(work, { recursive: true, force: true });
  }
  const versions = { sharp: sharp.versions.sharp, libvips: sharp.versions.vips, node: process.version };
  const settings = { lanes: LANES, b3Count: B3_COUNT, b6Count: B6_COUNT, b1Count: B1_COUNT, b4Seconds: B4_SECONDS, store: "sqlite", storage: "fs" };
  const file = writeResults("speed", { machine: machineInfo(), versions, settings, loadAverageAtEachPhase: loads, rows }, { partial: args.has("only") });
  const table = formatTable(rows);
  const machine = machineInfo();
  process.stdout.write(`${table}\n\nmachine: ${machine.cpu}, ${machine.cores} cores; load average at each phase: ${JSON.stringify(loads)}\nresults: ${file}\n`);
  if (args.has("update-readme")) {
    const where = `Measured ${machine.at.slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, sharp ${versions.sharp}, libvips ${versions.libvips}, Node ${versions.node}, SQLite store, folder storage; load average at each phase ${JSON.stringify(loads)}. Command: \`pnpm bench ${process.argv.slice(2).join(" ")}\`.`;
    updateReadme("bench", `${where}\n\n${table}`);
  }
  process.exitCode = rows.every((row) => met(row) !== false) ? 0 : 1;
}

main().catch((error: unknown) => {
  say(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
