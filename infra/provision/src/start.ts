// `pnpm start [--stack embedded|mongo-s3]`: the servers (data kept in .data/), then the API and
// the worker, then demo data on a first run. Ctrl-C or SIGTERM stops the API and the worker
// first, then the servers. See start/stack.ts for the two stacks.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort, isPortTaken } from "./free-port.ts";
import { createDemoData, type DemoData, readDemoMarker, writeDemoMarker } from "./start/demo-data.ts";
import { chooseStack, type StartedStack, startStack } from "./start/stack.ts";
import { stackFileContent, writeStackFile } from "./start/stack-file.ts";
import { formatSummary } from "./start/summary.ts";
import { SupervisedApp } from "./start/supervised-app.ts";
import { waitUntil } from "./wait-until.ts";
import { API_NODE_FLAGS } from "./api-node-flags.ts";
import { WORKER_ALLOCATOR_ENV } from "./worker-allocator-env.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
/** `INGEST_DATA_DIR` moves it (the e2e test of a newcomer's session runs in a temp dir). */
const DATA_DIR = process.env.INGEST_DATA_DIR ? resolve(process.env.INGEST_DATA_DIR) : join(ROOT, ".data");
const PORTS_FILE = join(DATA_DIR, "ports.json");
const LOGS_DIR = join(DATA_DIR, "logs");
const DEMO_IMAGE = join(ROOT, "infra/provision/assets/demo-photo.jpg");
/** `pnpm start --verbose`: the services' info logs on the terminal too, not only in .data/logs/. */
const VERBOSE = process.argv.slice(2).includes("--verbose");
const READY_TIMEOUT_MS = 60_000;
/** A server that dies is started again after this long, so its absence can be seen (readyz 503). */
const SERVER_RESTART_DELAY_MS = 10_000;

const say = (line: string) => process.stderr.write(`[start] ${line}\n`);

let services: StartedStack | undefined;
let provisioning: Promise<StartedStack> | undefined;
const apps: SupervisedApp[] = [];
let shuttingDown: Promise<void> | undefined;

function shutdown(exitCode: number): Promise<void> {
  shuttingDown ??= (async () => {
    say("stopping the API and the worker");
    const grace = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 5_000;
    await Promise.all(apps.map((app) => app.stop(grace)));
    const started = services ?? (await provisioning?.catch(() => undefined));
    if (started) {
      say("stopping the servers");
      await started.stop();
    }
    say("stopped");
    process.exit(exitCode);
  })();
  return shuttingDown;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      say("stopping now");
      for (const app of apps) app.kill();
      process.exit(1);
    }
    void shutdown(0);
  });
}

/**
 * The env value if set; else the port an earlier run used (stored image URLs contain the API's
 * address, so it should not move between runs); else the default; else any free port.
 */
async function choosePort(variable: string, fallback: number, remembered: number | undefined): Promise<number> {
  if (process.env[variable]) return Number(process.env[variable]);
  for (const wanted of [remembered, fallback]) {
    if (wanted !== undefined && !(await isPortTaken(wanted))) return wanted;
  }
  const port = await findFreePort();
  say(`port ${remembered ?? fallback} is taken; ${variable}=${port}`);
  return port;
}

interface RememberedPorts {
  api?: number;
  worker?: number;
}

function readPorts(): RememberedPorts {
  try {
    return JSON.parse(readFileSync(PORTS_FILE, "utf8")) as RememberedPorts;
  } catch {
    return {};
  }
}

/** Restarts a local server that stops on its own (a crash, or someone stopping it by hand). */
function superviseServers(started: StartedStack): void {
  for (const server of started.servers) {
    server.onUnexpectedExit((reason) => {
      if (shuttingDown) return;
      say(`${server.name} server stopped (${reason}); starting it again in ${SERVER_RESTART_DELAY_MS / 1000} s`);
      void sleep(SERVER_RESTART_DELAY_MS)
        .then(() => (shuttingDown ? undefined : server.start()))
        .then(() => {
          if (!shuttingDown) say(`${server.name} server is back: ${server.describe()}`);
        })
        .catch((error: unknown) => say(`${server.name} server did not come back: ${String(error)}`));
    });
  }
}

async function prepareDemo(env: NodeJS.ProcessEnv, started: StartedStack): Promise<{ demo?: DemoData; isNew: boolean; problem?: string }> {
  const marker = join(DATA_DIR, "demo.json");
  const { fingerprint } = started;
  const earlier = started.persistent ? readDemoMarker(marker, fingerprint) : undefined;
  if (earlier) return { demo: earlier, isNew: false };
  try {
    const demo = await createDemoData({ script: join(ROOT, "services/cli/src/main.ts"), cwd: ROOT, env, timeoutMs: 60_000 });
    if (started.persistent) writeDemoMarker(marker, fingerprint, demo);
    return { demo, isNew: true };
  } catch (error) {
    return { isNew: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  mkdirSync(DATA_DIR, { recursive: true });
  const stack = chooseStack(process.argv.slice(2), process.env);
  say(`stack: ${stack}${stack === "embedded" ? " (SQLite + folder storage + Redis; --stack mongo-s3 for MongoDB + MinIO)" : ""}`);
  provisioning = startStack(stack, DATA_DIR, process.env);
  services = await provisioning;
  if (shuttingDown) return;
  for (const line of services.describe()) say(line);
  superviseServers(services);

  const remembered = readPorts();
  const apiPort = await choosePort("API_PORT", 3000, remembered.api);
  const workerPort = await choosePort("WORKER_HEALTH_PORT", 3001, remembered.worker);
  writeFileSync(PORTS_FILE, `${JSON.stringify({ api: apiPort, worker: workerPort } satisfies RememberedPorts)}\n`);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...services.env,
    API_HOST: "127.0.0.1",
    API_PORT: String(apiPort),
    WORKER_HEALTH_PORT: String(workerPort),
    PUBLIC_BASE_URL: `${apiUrl}/files`,
  };

  writeStackFile(join(DATA_DIR, "stack.json"), stackFileContent({ root: ROOT, apiUrl, workerUrl: `http://127.0.0.1:${workerPort}`, env }));
  mkdirSync(LOGS_DIR, { recursive: true });
  const logOf = (name: string) => ({ stream: createWriteStream(join(LOGS_DIR, `${name}.log`), { flags: "a" }), verbose: VERBOSE });

  // V8's heap sized for a stream of uploads (see api-node-flags.ts).
  const api = new SupervisedApp(
    { name: "api", script: join(ROOT, "services/api/src/main.ts"), nodeFlags: API_NODE_FLAGS, cwd: ROOT, env, color: 36, log: logOf("api") },
    { say },
  );
  // glibc's allocator, tuned to keep the worker's memory flat under sharp (see services/worker/README.md).
  const workerEnv = { ...WORKER_ALLOCATOR_ENV, ...env };
  const worker = new SupervisedApp(
    { name: "worker", script: join(ROOT, "services/worker/src/main.ts"), cwd: ROOT, env: workerEnv, color: 35, log: logOf("worker") },
    { say },
  );
  apps.push(api, worker);

  const ready = await waitUntil(async () => (await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200, {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 250,
    abort: () => (api.restarts < 3 ? undefined : new Error(`the API keeps stopping before it is ready (see ${join(LOGS_DIR, "api.log")})`)),
  }).catch((error: unknown) => {
    if (!shuttingDown) say(String(error instanceof Error ? error.message : error));
    return false;
  });
  if (shuttingDown) return;
  if (!ready) {
    say(`the API did not answer 200 on ${apiUrl}/readyz within ${READY_TIMEOUT_MS / 1000} s`);
    await shutdown(1);
    return;
  }

  const demo = await prepareDemo(env, services);
  if (shuttingDown) return;
  process.stdout.write(
    formatSummary({
      apiUrl,
      workerUrl: `http://127.0.0.1:${workerPort}`,
      servers: services.describe(),
      demo: demo.demo,
      demoIsNew: demo.isNew,
      demoProblem: demo.problem,
      demoImage: DEMO_IMAGE,
      logFiles: VERBOSE ? undefined : ["api", "worker"].map((name) => relative(process.cwd(), join(LOGS_DIR, `${name}.log`))),
      tty: process.stdout.isTTY === true,
    }),
  );
}

main().catch(async (error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  await shutdown(1);
});
