import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseConfig } from "@ingest/shared";
import { startApi } from "../api-process.ts";
import { round } from "../measure.ts";
import { client, rssMiBOf, type Stack, startBareReceiver } from "./api-phases.ts";
import type { Photo } from "./photos.ts";
import type { Row } from "./speed-report.ts";
import { multipartBody } from "./upload-load.ts";

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** A process's RSS before `work` (after a second of rest) and its peak while `work` runs, sampled every 10 ms. */
async function rssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ idle: number; peak: number; result: T }> {
  await sleep(1_000);
  const idle = rssMiBOf(pid);
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiBOf(pid));
  }, 10);
  try {
    const result = await work();
    return { idle, peak, result };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * B2: the API's RSS while 64 uploads of about 4.5 MB arrive at once, against its idle RSS and the
 * bodies admitted. For scale, the bare receiver (B1's baseline: no multipart, no limits, every
 * body piped to a file) takes the same 64 requests, all of them, in the same run: the same bytes
 * cross Node's HTTP server, whose copy of every body chunk V8 collects only in batches.
 */
export async function measureUploadMemory(photo: Photo, stack: Stack, uploads: number, workDir: string): Promise<Row> {
  const api = await startApi(stack.env);
  let apiFigures: { idle: number; peak: number; result: { status: number }[] };
  let after: number;
  try {
    const http = client(api.baseUrl, stack.key);
    const products = await Promise.all(Array.from({ length: Math.ceil(uploads / 15) + 1 }, () => http.newProduct()));
    await http.upload(products.at(-1)!, photo); // warm-up: the first upload loads the code it runs
    apiFigures = await rssDuring(api.child.pid!, () => Promise.all(Array.from({ length: uploads }, (_, i) => http.upload(products[Math.floor(i / 15)]!, photo))));
    await sleep(3_000);
    after = rssMiBOf(api.child.pid!);
  } finally {
    await api.stop();
  }
  const bare = await bareReceiverMemory(photo, uploads, join(workDir, "b2-bare-receiver"));
  const { idle, peak, result: replies } = apiFigures;
  const admitted = replies.filter((reply) => reply.status === 201).length;
  const refused = replies.filter((reply) => reply.status === 503).length;
  const atOnce = Math.min(admitted, parseConfig(stack.env).api.maxConcurrentUploads);
  const bodiesMiB = (atOnce * photo.bytes.length) / 2 ** 20;
  say(`B2: idle ${round(idle)} MiB, peak ${round(peak)} MiB, 3 s later ${round(after)} MiB; ${admitted} × 201, ${refused} × 503; bare receiver +${round(bare.growthMiB)} MiB`);
  return {
    id: "B2",
    what: `API RSS during ${uploads} concurrent ${photo.name} uploads (${(photo.bytes.length / 2 ** 20).toFixed(1)} MiB each)`,
    service: { growthMiB: round(peak - idle), threeSecondsLaterMiB: round(after - idle), admitted, refused },
    baseline: { what: "idle RSS; the bodies admitted at once; the bare receiver's growth taking all of them", idleMiB: round(idle), bodiesMiB: round(bodiesMiB), bareReceiverGrowthMiB: round(bare.growthMiB) },
    ratio: round((peak - idle) / bodiesMiB),
    target: 0.5,
    lowerIsBetter: true,
  };
}

async function bareReceiverMemory(photo: Photo, uploads: number, dir: string): Promise<{ growthMiB: number }> {
  const receiver = await startBareReceiver(dir);
  try {
    const { body, contentType } = multipartBody(photo);
    const post = () => fetch(receiver.url, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(60_000) }).then((reply) => reply.arrayBuffer());
    await post();
    const { idle, peak } = await rssDuring(receiver.pid, () => Promise.all(Array.from({ length: uploads }, post)));
    return { growthMiB: peak - idle };
  } finally {
    await receiver.stop();
  }
}
