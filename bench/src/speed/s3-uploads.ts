import { createS3Storage } from "@ingest/shared/storage/s3";
import { startMinioServer, toS3Env } from "@ingest/provision";
import { startApi } from "../api-process.ts";
import { closedLoop, round } from "../measure.ts";
import { client, cpuSecondsOf, prepareStack } from "./api-phases.ts";
import type { Photo } from "./photos.ts";
import type { Row } from "./speed-report.ts";
import { alternatingRounds, apiUploads, multipartBody } from "./upload-load.ts";

const ROUNDS = 4;
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** `amount` calls of `once`, `concurrency` at a time, in the shape postLoad gives its runs. */
async function closedRun(amount: number, concurrency: number, once: (i: number) => Promise<void>) {
  const run = await closedLoop(amount, concurrency, once);
  return { amount, wallS: run.wallS, perS: round(amount / run.wallS, 1), p50Ms: round(run.latency.p50, 1), p99Ms: round(run.latency.p99, 1) };
}

/**
 * B1 on the production storage: uploads through the API with the S3 driver, against a direct S3
 * PUT of the same bytes to the same MinIO, with the service's own S3 client (same checksum and
 * timeout settings), at the same concurrency. The first measurement was this one.
 */
export async function measureUploadsToS3(photo: Photo, workDir: string, redisUrl: string, levels: readonly number[], perLevel: number): Promise<Row[]> {
  const minio = await startMinioServer({ bucket: "bench" });
  const { s3 } = minio;
  const storageEnv = toS3Env(s3);
  const stack = await prepareStack(workDir, redisUrl, "b1s3", storageEnv);
  const api = await startApi(stack.env);
  const direct = createS3Storage({ ...s3, keyPrefix: "direct/", timeoutMs: 30_000 });
  const rows: Row[] = [];
  try {
    const http = client(api.baseUrl, stack.key);
    const perProduct = 15;
    const products = await Promise.all(Array.from({ length: Math.ceil(((Math.max(perLevel, ROUNDS * Math.max(...levels)) + ROUNDS + 10) * levels.length) / perProduct) }, () => http.newProduct()));
    const uploads = apiUploads({ baseUrl: api.baseUrl, key: stack.key, products, perProduct, body: multipartBody(photo) });
    let put = 0;
    const puts = (concurrency: number, amount: number) => closedRun(amount, concurrency, () => direct.put(`bench/${put++}.jpg`, photo.bytes, { contentType: "image/jpeg" }));
    await uploads(1, 10);
    await puts(1, 10);
    for (const concurrency of levels) {
      const cpuBefore = cpuSecondsOf(api.child.pid!);
      const { service, baseline } = await alternatingRounds(ROUNDS, Math.max(perLevel, ROUNDS * concurrency), (amount) => uploads(concurrency, amount), (amount) => puts(concurrency, amount));
      const apiCpuMs = ((cpuSecondsOf(api.child.pid!) - cpuBefore) * 1000) / perLevel;
      say(`B1 S3 c=${concurrency}: API ${JSON.stringify(service)}; direct S3 PUT ${JSON.stringify(baseline)}`);
      rows.push({
        id: "B1",
        what: `uploads of a ${photo.name} at concurrency ${concurrency} with the S3 driver (MinIO), ${perLevel} uploads, worker paused`,
        service: { ...service, apiCpuMsPerUpload: round(apiCpuMs, 1) },
        baseline: { what: "a direct S3 PUT of the same bytes to the same MinIO, the service's S3 client settings", ...baseline },
        ratio: round(service.perS / baseline.perS, 3),
        target: concurrency >= 8 ? 0.7 : null,
      });
    }
  } finally {
    direct.close();
    await api.stop();
    await minio.close();
  }
  return rows;
}
