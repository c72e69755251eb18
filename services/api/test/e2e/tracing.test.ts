import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { findFreePort } from "@ingest/provision";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "../support/api-process.ts";
import { call, multipartBody } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";

const CLI = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));
const WORKER = fileURLToPath(new URL("../../../worker/src/main.ts", import.meta.url));

interface ExportedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
}

/** An OTLP/HTTP receiver in miniature: keeps every span posted to /v1/traces (JSON). */
function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/v1/traces") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((a: { key: string }) => a.key === "service.name")?.value?.stringValue ?? "";
          for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ service, name: span.name, traceId: span.traceId });
        }
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans })));
}

let names: TestNames;
let collector: Awaited<ReturnType<typeof startCollector>>;
let api: ApiProcess;
let worker: ChildProcess;
let seed: { apiKey: string; productId: string };

beforeAll(async () => {
  names = uniqueTestNames("tracing");
  collector = await startCollector();
  const env = {
    ...testServiceEnv(testServices(), names),
    LOG_LEVEL: "warn",
    TRACING_ENABLED: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
  };
  api = await startApiProcess(env, await findFreePort());
  worker = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env, WORKER_HEALTH_PORT: "0" }, stdio: "ignore" });
  seed = await new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, "demo", "--json"], { env: { ...process.env, ...env } }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout)))),
  );
});
afterAll(async () => {
  worker?.kill("SIGTERM");
  await api?.stop();
  collector?.server.close();
  await cleanUpTestData(testServices(), names);
});

describe("tracing (TRACING_ENABLED=true)", () => {
  it("one trace runs from the upload request through the queue into the worker's job", async () => {
    const traceId = randomBytes(16).toString("hex");
    const png = await imageBytes("png", 64, 48);
    const { body, contentType } = multipartBody([{ name: "file", data: png, filename: "a.png", type: "image/png" }]);
    const upload = await fetch(`${api.baseUrl}/api/v1/products/${seed.productId}/images`, {
      method: "POST",
      headers: { authorization: `Bearer ${seed.apiKey}`, "content-type": contentType, traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` },
      body,
    });
    expect(upload.status).toBe(201);
    const { imageId } = (await upload.json()) as { imageId: string };

    // Each process exports in batches of its own: wait (bounded) until both have sent theirs.
    const namesFrom = (service: string) => collector.spans.filter((span) => span.traceId === traceId && span.service === service).map((span) => span.name);
    for (let attempt = 0; attempt < 150; attempt++) {
      const fromApi = namesFrom("image-ingest-api");
      if (namesFrom("image-ingest-worker").includes("process images") && fromApi.includes("request") && fromApi.includes("add images.process-image")) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const status = await call(api.baseUrl, "GET", `/api/v1/products/${seed.productId}/images`, { token: seed.apiKey });
    expect(status.body.images.find((image: { imageId: string }) => image.imageId === imageId)?.status).toBe("ready");
    // The request (continuing the caller's traceparent) and its enqueue, in the API...
    expect(namesFrom("image-ingest-api")).toEqual(expect.arrayContaining(["request", "add images.process-image"]));
    // ...and the job that the enqueue carried the context into, in the worker.
    expect(namesFrom("image-ingest-worker")).toContain("process images");
  });
});
