import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePort } from "@ingest/provision";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "../support/api-process.ts";
import { call } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";

/** The published page, copied verbatim; its code blocks are run with only host, id and token changed. */
const PAGE = fileURLToPath(new URL("./fixtures/upload-product-image.en.md", import.meta.url));
const CLI = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));
const PUBLISHED_HOST = "https://app.tracepass.eu";

let names: TestNames;
let env: Record<string, string>;
let api: ApiProcess;
let dir: string;
let seed: { companyId: string; apiKey: string; productId: string };
let blocks: Record<string, string>;

function run(file: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, ...env, ...options.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function codeBlocks(markdown: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of markdown.matchAll(/```(\w+)\n([\s\S]*?)```/g)) found[match[1]!] ??= match[2]!;
  return found;
}

beforeAll(async () => {
  names = uniqueTestNames("published examples");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "info" };
  api = await startApiProcess(env, await findFreePort());
  const demo = await run(process.execPath, [CLI, "demo", "--json"]);
  expect(demo.code).toBe(0);
  seed = JSON.parse(demo.stdout);
  dir = await mkdtemp(join(tmpdir(), "examples-"));
  await writeFile(join(dir, "battery-hero.jpg"), await imageBytes("jpeg", 640, 480));
  blocks = codeBlocks(await readFile(PAGE, "utf8"));
});
afterAll(async () => {
  await api?.stop();
  await rm(dir, { recursive: true, force: true });
  await cleanUpTestData(testServices(), names);
});

async function imageUrls(): Promise<string[]> {
  return (await call(api.baseUrl, "GET", `/api/v1/products/${seed.productId}`, { token: seed.apiKey })).body.imageUrls;
}

/** A 201 is true: the URL is in the product and its bytes are the file's, served as image/jpeg. */
async function expectStored(imageUrl: string): Promise<void> {
  expect(await imageUrls()).toContain(imageUrl);
  const served = await fetch(imageUrl);
  expect(served.status).toBe(200);
  expect(served.headers.get("content-type")).toBe("image/jpeg");
  expect(Buffer.from(await served.arrayBuffer()).equals(await readFile(join(dir, "battery-hero.jpg")))).toBe(true);
}

describe("the published page's examples, run as written against a running API", () => {
  it("curl", async () => {
    const script = blocks.bash!
      .replace(PUBLISHED_HOST, api.baseUrl)
      .replace("6650a1b2c3d4e5f6a7b8c9d0", seed.productId)
      .replace("tp_REDACTED_xxxxxxxxxxxx", seed.apiKey);
    const result = await run("bash", ["-c", script], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body.imageUrl).toMatch(/\.jpg$/);
    expect(body.imageUrls).toContain(body.imageUrl);
    await expectStored(body.imageUrl);
  });

  it("TypeScript fetch + FormData", async () => {
    const before = await imageUrls();
    // The page interpolates a variable named `id` into the URL; the literal id takes its place.
    const source = blocks.typescript!.replace(PUBLISHED_HOST, api.baseUrl).replace(["$", "{id}"].join(""), seed.productId);
    await writeFile(join(dir, "example.mts"), source);
    const result = await run(process.execPath, ["example.mts"], { cwd: dir, env: { TRACEPASS_API_KEY: seed.apiKey } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const after = await imageUrls();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    await expectStored(after.at(-1)!);
  });

  it("Python requests", async () => {
    const source = blocks.python!.replace(PUBLISHED_HOST, api.baseUrl).replace("{product_id}", seed.productId);
    await writeFile(join(dir, "example.py"), source);
    const result = await run("/usr/bin/python3", ["example.py"], { cwd: dir, env: { TRACEPASS_API_KEY: seed.apiKey } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    await expectStored(result.stdout.trim());
  });

  it("the API's logs carry request ids and never the key", async () => {
    const log = api.output();
    expect(log).toMatch(/"requestId":"/);
    expect(log).toMatch(/"credential":"/);
    expect(log).not.toContain(seed.apiKey);
    expect(log).not.toContain(seed.apiKey.slice(15));
  });
});
