import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { findFreePort, WORKER_ALLOCATOR_ENV } from "@ingest/provision";
import { generateApiKey, parseConfig } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { startApi, stopChild } from "../api-process.ts";
import { closedLoop, distribution, round } from "../measure.ts";
import type { Photo } from "./photos.ts";
import type { Row } from "./speed-report.ts";
import { alternatingRounds, apiUploads, multipartBody, postLoad } from "./upload-load.ts";

const WORKER_MAIN = fileURLToPath(new URL("../../../services/worker/src/main.ts", import.meta.url));
const BARE_RECEIVER = fileURLToPath(new URL("./bare-receiver.ts", import.meta.url));
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const COMPANY = "bench-speed";
/** B1 runs each level as this many alternating rounds of service and baseline (each round at least one request a connection). */
const ROUNDS = 4;

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMiBOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
}

export interface Stack {
  readonly env: Record<string, string>;
  readonly key: string;
}

/**
 * A fresh SQLite store and folder storage (or what `storageEnv` names) with one company and its
 * key; the API and worker share it.
 */
export async function prepareStack(workDir: string, redisUrl: string, label: string, storageEnv: Record<string, string> = {}): Promise<Stack> {
  const dir = join(workDir, label);
  mkdirSync(dir, { recursive: true });
  const env = {
    STORE: "sqlite",
    SQLITE_PATH: join(dir, "ingest.sqlite"),
    STORAGE_DRIVER: "fs",
    FS_STORAGE_DIR: join(dir, "objects"),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `bench_${label}_${Date.now().toString(36)}`,
    // The bench is one caller sending far more than a caller's fair share: only the process's own
    // admission (32 uploads at once) applies.
    RATE_LIMIT_ENABLED: "false",
    API_MAX_UPLOADS_PER_COMPANY: "32",
    API_MAX_UPLOADS_PER_CREDENTIAL: "32",
    MALLOC_ARENA_MAX: "2",
    ...storageEnv,
  };
  const store = await openStore(parseConfig(env).store);
  try {
    await store.repositories.credentials.createCompany(COMPANY, "Bench");
    const { key, lookupId, hash } = generateApiKey();
    await store.repositories.credentials.insertApiKey({ lookupId, companyId: COMPANY, name: "bench", hash, scopes: ["products:read", "products:write"] });
    return { env, key };
  } finally {
    await store.close();
  }
}

/** The same multipart body a caller sends: one file in the field `file`. */
function uploadForm(photo: Photo): FormData {
  const form = new FormData();
  form.append("file", new Blob([photo.bytes], { type: `image/${photo.format}` }), `photo.${photo.format === "jpeg" ? "jpg" : photo.format}`);
  return form;
}

/** B1's baseline receiver (bare-receiver.ts) in its own process, writing bodies under `dir`. */
export async function startBareReceiver(dir: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, [BARE_RECEIVER, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the bare receiver exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid!, stop: () => stopChild(child) };
}

export function client(baseUrl: string, key: string) {
  const auth = { authorization: `Bearer ${key}` };
  return {
    async newProduct(): Promise<string> {
      const reply = await fetch(`${baseUrl}/api/v1/products`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
      if (reply.status !== 201) throw new Error(`POST /products answered ${reply.status}`);
      return ((await reply.json()) as { id: string }).id;
    },
    async upload(productId: string, photo: Photo): Promise<{ status: number; imageId: string | null }> {
      const reply = await fetch(`${baseUrl}/api/v1/products/${productId}/images`, { method: "POST", headers: auth, body: uploadForm(photo), signal: AbortSignal.timeout(60_000) });
      const body = (await reply.json().catch(() => ({}))) as { imageUrl?: string };
      const imageId = body.imageUrl ? (body.imageUrl.split("/").at(-1)?.split(".")[0] ?? null) : null;
      return { status: reply.status, imageId };
    },
  };
}

/**
 * B1: uploads with no worker running (the API path alone) against the bare receiver: the same
 * load tool sending the same multipart body at the same concurrency to a process that only writes
 * each body to a file. A `writeFile` of the bytes in this process is shown for scale.
 */
export async function measureUploads(photo: Photo, stack: Stack, workDir: string, levels: readonly number[], perLevel: number): Promise<Row[]> {
  const api = await startApi(stack.env);
  const receiver = await startBareReceiver(join(workDir, "bare-receiver"));
  const rows: Row[] = [];
  try {
    const http = client(api.baseUrl, stack.key);
    const perProduct = 15;
    const warmUp = 10;
    // One run per level with the worker paused, then one at concurrency 8 with it running.
    const products = await Promise.all(Array.from({ length: Math.ceil(((Math.max(perLevel, ROUNDS * Math.max(...levels)) + ROUNDS + warmUp) * (levels.length + 1)) / perProduct) }, () => http.newProduct()));
    const multipart = multipartBody(photo);
    const { body, contentType } = multipart;
    const uploads = apiUploads({ baseUrl: api.baseUrl, key: stack.key, products, perProduct, body: multipart });
    const receptions = (concurrency: number, amount: number) => postLoad({ origin: receiver.url, pathOf: () => "/", headers: { "content-type": contentType }, body, concurrency, amount });
    await uploads(1, warmUp);
    await receptions(1, warmUp);
    const files = join(workDir, "direct-writes");
    mkdirSync(files, { recursive: true });
    for (const concurrency of levels) {
      let apiCpuS = 0;
      let measured = 0;
      const measuredUploads = async (amount: number) => {
        const cpuBefore = cpuSecondsOf(api.child.pid!);
        const run = await uploads(concurrency, amount);
        apiCpuS += cpuSecondsOf(api.child.pid!) - cpuBefore;
        measured += amount;
        return run;
      };
      const { service, baseline } = await alternatingRounds(ROUNDS, Math.max(perLevel, ROUNDS * concurrency), measuredUploads, (amount) => receptions(concurrency, amount));
      const apiCpuMs = (apiCpuS * 1000) / measured;
      const inProcess = await closedLoop(perLevel, concurrency, (i) => writeFile(join(files, `${concurrency}-${i}.jpg`), photo.bytes));
      const writeFilePerS = round(perLevel / inProcess.wallS, 1);
      say(`B1 c=${concurrency}: API ${JSON.stringify(service)}, ${round(apiCpuMs, 1)} ms API CPU an upload; bare receiver ${JSON.stringify(baseline)}; writeFile ${writeFilePerS}/s`);
      rows.push({
        id: "B1",
        what: `uploads of a ${photo.name} at concurrency ${concurrency}, ${perLevel} uploads, worker paused`,
        service: { ...service, apiCpuMsPerUpload: round(apiCpuMs, 1) },
        baseline: { what: "the same requests to a bare HTTP receiver writing each body to a file", ...baseline, writeFileInProcessPerS: writeFilePerS },
        ratio: round(service.perS / baseline.perS, 3),
        target: concurrency >= 8 ? 0.7 : null,
      });
    }
    // The same at concurrency 8 while the worker turns every upload into its derivatives (no target:
    // the two cores are shared with the image work).
    const worker = await startWorker(stack.env);
    try {
      const { service, baseline } = await alternatingRounds(ROUNDS, Math.max(perLevel, ROUNDS * 8), (amount) => uploads(8, amount), (amount) => receptions(8, amount));
      say(`B1 c=8, worker running: API ${JSON.stringify(service)}; bare receiver ${JSON.stringify(baseline)}`);
      rows.push({
        id: "B1",
        what: `uploads of a ${photo.name} at concurrency 8, ${perLevel} uploads, worker running`,
        service,
        baseline: { what: "the same requests to a bare HTTP receiver, the worker still running", ...baseline },
        ratio: round(service.perS / baseline.perS, 3),
        target: null,
      });
    } finally {
      await worker.stop();
    }
  } finally {
    await receiver.stop();
    await api.stop();
  }
  return rows;
}

async function startWorker(env: Record<string, string>): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { PATH: process.env.PATH ?? "", ...WORKER_ALLOCATOR_ENV, ...env, API_HOST: "127.0.0.1", WORKER_HEALTH_PORT: String(await findFreePort()), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    child,
    stop: () => stopChild(child),
  };
}

/**
 * B4: upload → ready at a fixed rate for `seconds` (open loop: each upload starts on its schedule
 * whether or not earlier ones finished, and its latency counts from that schedule), then waits for
 * the backlog to drain (bounded). Ready time is the image record's own `updatedAt`.
 */
export async function measurePipeline(photo: Photo, stack: Stack, ratePerS: number, seconds: number, p95TargetS: number | null): Promise<Row> {
  const api = await startApi(stack.env);
  const worker = await startWorker(stack.env);
  const store = await openStore(parseConfig(stack.env).store);
  try {
    const http = client(api.baseUrl, stack.key);
    const total = Math.max(1, Math.round(ratePerS * seconds));
    const products = await Promise.all(Array.from({ length: Math.ceil(total / 15) }, () => http.newProduct()));
    const cpuBefore = { api: cpuSecondsOf(api.child.pid!), worker: cpuSecondsOf(worker.child.pid!) };
    const started = Date.now();
    const scheduled: { at: number; imageId: string | null }[] = [];
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const at = started + (i * 1000) / ratePerS;
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      const entry = { at, imageId: null as string | null };
      scheduled.push(entry);
      const recordReply = (reply: { status: number; imageId: string | null }) => {
        entry.imageId = reply.status === 201 ? reply.imageId : null;
      };
      inFlight.push(http.upload(products[Math.floor(i / 15)]!, photo).then(recordReply, () => {}));
    }
    await Promise.all(inFlight);
    const drainDeadline = Date.now() + 180_000;
    const latencies: number[] = [];
    let pending = scheduled.filter((entry) => entry.imageId !== null);
    while (pending.length > 0 && Date.now() < drainDeadline) {
      const still: typeof pending = [];
      for (const entry of pending) {
        const image = await store.repositories.images.find(entry.imageId!);
        if (image?.status === "ready") latencies.push(image.updatedAt.getTime() - entry.at);
        else still.push(entry);
      }
      pending = still;
      if (pending.length > 0) await sleep(500);
    }
    const cpu = { api: cpuSecondsOf(api.child.pid!) - cpuBefore.api, worker: cpuSecondsOf(worker.child.pid!) - cpuBefore.worker };
    const latency = distribution(latencies);
    const failed = scheduled.filter((entry) => entry.imageId === null).length;
    say(`B4 ${ratePerS}/s: p50 ${round(latency.p50)} ms, p95 ${round(latency.p95)} ms; ${latencies.length} ready, ${pending.length} not drained, ${failed} uploads failed`);
    return {
      id: "B4",
      what: `upload → ready, ${photo.name} at ${round(ratePerS)}/s for ${seconds} s (open loop)`,
      service: {
        p50Ms: round(latency.p50, 0),
        p95Ms: round(latency.p95, 0),
        ready: latencies.length,
        notDrained: pending.length,
        uploadsFailed: failed,
        cpuMsPerImage: { api: round((cpu.api * 1000) / total, 0), worker: round((cpu.worker * 1000) / total, 0) },
      },
      baseline: null,
      // The ratio column holds p95 in seconds; an undrained backlog fails the target outright.
      ratio: pending.length > 0 || failed > 0 ? Number.POSITIVE_INFINITY : round(latency.p95 / 1000, 2),
      target: p95TargetS,
      lowerIsBetter: true,
      note: "ratio: p95 in s",
    };
  } finally {
    await store.close();
    await worker.stop();
    await api.stop();
  }
}
