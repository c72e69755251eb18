import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../src/free-port.ts";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "../../src/testing/index.ts";

// A newcomer's whole session, as the README tells it, over real processes: `./pnpm start`, the
// printed curl, a second company and key, reprocessing with a progress bar, the queues, a crash
// of the worker, Ctrl-C. The servers are the test run's (through the environment, the way
// production configures them); everything else is what a newcomer runs, with no variable copied.

const ROOT = resolve(import.meta.dirname, "../../../..");
let names: TestNames;
let dataDir: string;
let start: ChildProcess;
let stdout = "";
let stderr = "";
let apiUrl: string;
let workerPort: number;
let exited: Promise<number | null>;

/** The newcomer's shell: PATH and HOME, nothing of the test runner's. */
const shell = () => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root" });

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s; stdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
    await sleep(200);
  }
}

function run(command: string, args: string[], env: Record<string, string> = shell()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 }, (error, out, err) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
}

/** `./pnpm cli …` with the newcomer's shell; only the stack file's place differs from the README (the test's .data is a temp dir). */
const cli = (...args: string[]) => run(join(ROOT, "pnpm"), ["cli", "--stack-file", join(dataDir, "stack.json"), ...args]);

beforeAll(async () => {
  names = uniqueTestNames("newcomer");
  dataDir = await mkdtemp(join(tmpdir(), "newcomer-"));
  const [apiPort, healthPort] = [await findFreePort(), await findFreePort()];
  workerPort = healthPort;
  start = spawn(join(ROOT, "pnpm"), ["start"], {
    cwd: ROOT,
    // Detached: its own process group, so the test can send Ctrl-C's SIGINT to all of it, as a terminal does.
    detached: true,
    env: {
      ...shell(),
      ...testServiceEnv(testServices(), names),
      INGEST_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      WORKER_HEALTH_PORT: String(healthPort),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  start.stdout!.on("data", (chunk) => {
    stdout += chunk;
  });
  start.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  exited = once(start, "exit").then(([code]) => code as number | null);
  apiUrl = `http://127.0.0.1:${apiPort}`;
}, 30_000);

afterAll(async () => {
  if (start.exitCode === null && start.pid) {
    process.kill(-start.pid, "SIGKILL");
    await exited;
  }
  await cleanUpTestData(testServices(), names);
  await rm(dataDir, { recursive: true, force: true });
});

describe("a newcomer's session", { timeout: 300_000 }, () => {
  let demo: { apiKey: string; productId: string };
  let imageId: string;

  it("./pnpm start prints the summary last, with a curl that works verbatim", async () => {
    await until("the summary", () => stdout.includes("Ctrl-C stops everything."), 180_000);
    const summary = stdout.slice(stdout.lastIndexOf("=".repeat(72), stdout.indexOf("Ctrl-C stops everything.")));
    expect(summary).toContain(`API        ${apiUrl}`);
    // Info-level request logs go to .data/logs, not between the summary and the prompt.
    expect(stdout).not.toMatch(/"msg":"request completed"/);
    const curl = /^ {2}curl -X POST[\s\S]*?-F "file=@[^"]+"$/m.exec(summary)?.[0];
    expect(curl).toBeDefined();
    const upload = await run("bash", ["-c", curl!]);
    expect(upload.code).toBe(0);
    const body = JSON.parse(upload.stdout) as { imageId: string; status: string; imageUrl: string };
    expect(body.status).toBe("processing");
    imageId = body.imageId;
    demo = JSON.parse(await readFile(join(dataDir, "demo.json"), "utf8")).demo;
    expect((await stat(join(dataDir, "stack.json"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dataDir, "logs/api.log"), "utf8")).toContain('"msg":"request completed"');
  });

  it("the CLI finds the stack by itself: the uploaded image becomes ready", async () => {
    const status = await until("the image is ready", async () => {
      const shown = await cli("--json", "images", "status", imageId);
      const parsed = shown.code === 0 ? (JSON.parse(shown.stdout) as { status: string; derivatives: unknown[] }) : undefined;
      return parsed?.status === "ready" ? { parsed, stderr: shown.stderr } : undefined;
    });
    expect(status.parsed.derivatives.length).toBeGreaterThan(0);
    expect(status.stderr).toContain(`from ${join(dataDir, "stack.json")}, written by pnpm start`);
  });

  it("a second company and key, which sees only its own products", async () => {
    const company = await cli("--json", "companies", "create", "--name", "B");
    expect(company.code).toBe(0);
    const { companyId } = JSON.parse(company.stdout) as { companyId: string };
    const key = await cli("--json", "keys", "create", "--company", companyId, "--scopes", "products:read,products:write");
    expect(key.code).toBe(0);
    const { apiKey } = JSON.parse(key.stdout) as { apiKey: string };
    const created = await fetch(`${apiUrl}/api/v1/products`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "B's lamp" }),
    });
    expect(created.status).toBe(201);
    const demoProduct = await fetch(`${apiUrl}/api/v1/products/${demo.productId}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(demoProduct.status).toBe(404);
  });

  it("reprocesses the demo product with a progress bar on a terminal", async () => {
    // script(1) gives the CLI a pseudo-terminal, as a newcomer's shell would.
    const command = `'${join(ROOT, "pnpm")}' cli --stack-file '${join(dataDir, "stack.json")}' reprocess --product ${demo.productId} --company demo`;
    const session = await run("script", ["-qec", command, "/dev/null"]);
    expect(session.code).toBe(0);
    expect(session.stdout).toContain("\r");
    expect(session.stdout).toMatch(/\[#{24}\] 1\/1 100% [\d.]+\/s ETA 0:00/);
    expect(session.stdout).toMatch(/reprocessed 1\/1 image\(s\): ready 1/);
  });

  it("looks at the queues", async () => {
    const queues = await cli("--json", "queues");
    expect(queues.code).toBe(0);
    const { queues: [images, maintenance] = [], failed } = JSON.parse(queues.stdout) as { queues: { queue: string; workers: number; counts: Record<string, number> }[]; failed: unknown[] };
    expect(images).toMatchObject({ queue: "images", workers: 1, counts: { failed: 0, waiting: 0 } });
    // The upload's job (reprocessing the same image replaces its finished job).
    expect(images!.counts.completed).toBeGreaterThanOrEqual(1);
    // The reconcile pass scheduled at the worker's start runs on its own queue.
    expect(maintenance).toMatchObject({ queue: "maintenance", workers: 1, counts: { failed: 0 } });
    expect(failed).toEqual([]);
  });

  it("a worker killed with SIGKILL is started again, and the API keeps answering", async () => {
    const children = await run("ps", ["-o", "pid=,args=", "--ppid", String(start.pid)]);
    const workerPid = Number(/^\s*(\d+) .*services\/worker\/src\/main\.ts/m.exec(children.stdout)?.[1]);
    expect(workerPid).toBeGreaterThan(0);
    process.kill(workerPid, "SIGKILL");
    await until("the restart line", () => /worker started again \(restart 1, pid \d+\)/.test(stderr));
    expect(stderr).toContain("worker stopped unexpectedly (killed by SIGKILL); starting it again in 1 s");
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
    await until("the new worker is ready", async () => (await fetch(`http://127.0.0.1:${workerPort}/readyz`).catch(() => null))?.status === 200);
  });

  it("Ctrl-C stops everything and exits 0, with no pnpm error line", async () => {
    process.kill(-start.pid!, "SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toContain("[start] stopped");
    expect(`${stdout}${stderr}`).not.toContain("ELIFECYCLE");
  });
});
