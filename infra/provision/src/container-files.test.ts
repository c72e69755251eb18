import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_NODE_FLAGS } from "./api-node-flags.ts";
import { JEMALLOC_CONF, workerAllocatorEnv } from "./worker-allocator-env.ts";

// There is no container engine here: these checks are what can be known about the images and
// the compose file without building or running them.

const ROOT = resolve(import.meta.dirname, "../../..");
const CONTAINERS = join(ROOT, "infra/containers");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  ports?: string[];
  build?: { context: string; dockerfile: string };
}
const compose = parse(read("infra/containers/docker-compose.yml"), { merge: true }) as { services: Record<string, ComposeService> };

/** Every variable name the config module reads: the string literals in SCREAMING_CASE. */
const CONFIG_SOURCES = ["packages/shared/src/config/config.ts", "packages/shared/src/config/config-values.ts"];
const CONFIG_VARIABLES = new Set(CONFIG_SOURCES.flatMap((file) => [...read(file).matchAll(/"([A-Z][A-Z0-9_]{2,})"/g)].map((match) => match[1])));
/** Variables for the runtime, not the app: documented where they are set. */
const RUNTIME_VARIABLES = new Set(["MALLOC_ARENA_MAX", "NODE_ENV"]);

const DOCKERFILES = ["api.Dockerfile", "worker.Dockerfile"] as const;

describe("docker-compose.yml", () => {
  it.each(["api", "worker"])("every variable of the %s service is one the config module reads", (name) => {
    const environment = compose.services[name]?.environment ?? {};
    expect(Object.keys(environment).length).toBeGreaterThan(10);
    const unknown = Object.keys(environment).filter((variable) => !CONFIG_VARIABLES.has(variable) && !RUNTIME_VARIABLES.has(variable));
    expect(unknown).toEqual([]);
  });

  it("has MongoDB, Redis that never evicts (BullMQ needs every key), MinIO, two API replicas behind a proxy, and the worker", () => {
    const { services } = compose;
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["mongo", "redis", "minio", "api", "worker", "proxy"]));
    const redis = services.redis!.command!;
    expect(redis[redis.indexOf("--maxmemory-policy") + 1]).toBe("noeviction");
    expect(services.api!.deploy?.replicas).toBe(2);
    expect(services.api!.environment?.MONGO_URL).toBe("mongodb://mongo:27017");
    expect(services.api!.environment?.API_HOST).toBe("0.0.0.0");
    const nginx = read("infra/containers/proxy/nginx.conf");
    expect(nginx).toContain(`server api:${services.api!.environment?.API_PORT}`);
    const [published] = services.proxy!.ports!;
    expect(nginx).toContain(`listen ${published!.split(":")[1]};`);
  });

  it.each(["api", "worker"])("builds %s from a Dockerfile that exists, with the repository root as context", (name) => {
    const build = compose.services[name]!.build!;
    expect(resolve(CONTAINERS, build.context)).toBe(ROOT);
    expect(existsSync(join(ROOT, build.dockerfile))).toBe(true);
  });
});

describe.each(DOCKERFILES)("%s", (file) => {
  const text = readFileSync(join(CONTAINERS, file), "utf8");
  const lines = text.split("\n").filter((line) => !line.startsWith("#"));

  it("runs a file that exists, copied into the image", () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)![1]!) as string[];
    expect(cmd[0]).toBe("node");
    const script = cmd.at(-1)!;
    expect(existsSync(join(ROOT, script))).toBe(true);
    const copied = lines.filter((line) => line.startsWith("COPY") && !line.includes("--from")).map((line) => line.split(/\s+/).at(-2)!);
    expect(copied.some((source) => script.startsWith(`${source}/`))).toBe(true);
    // Node's flags between `node` and the script: the API's are the ones every launcher gives it.
    expect(cmd.slice(1, -1)).toEqual(file === "api.Dockerfile" ? [...API_NODE_FLAGS] : []);
  });

  it("copies only paths that exist", () => {
    const sources = lines
      .filter((line) => line.startsWith("COPY") && !line.includes("--from"))
      .flatMap((line) => line.split(/\s+/).slice(1, -1).filter((part) => !part.startsWith("--")));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it("is multi-stage, installs production dependencies only, runs as a non-root user and checks /healthz", () => {
    expect(lines.filter((line) => line.startsWith("FROM")).length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/pnpm install --frozen-lockfile --prod/);
    const users = lines.filter((line) => line.startsWith("USER ")).map((line) => line.slice(5).trim());
    expect(users.at(-1)).toBe("node");
    expect(text).toMatch(/^HEALTHCHECK .*\\\n\s+CMD .*\/healthz/m);
  });

  it("uses the Node version that package.json's engines and the toolchain pin", () => {
    const version = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(text);
    expect(version).not.toBeNull();
    const [major, minor] = [Number(version![1]), Number(version![2])];
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    const range = /^>=(\d+)\.(\d+) <(\d+)$/.exec(engines)!;
    expect(major > Number(range[1]) || (major === Number(range[1]) && minor >= Number(range[2]))).toBe(true);
    expect(major).toBeLessThan(Number(range[3]));
    const toolchain = /^NODE_VERSION="([\d.]+)"/m.exec(read("infra/local/toolchain.sh"))![1];
    expect(version![0]).toBe(`ARG NODE_VERSION=${toolchain}`);
  });
});

describe("worker.Dockerfile's allocator", () => {
  it("installs jemalloc and sets what WORKER_ALLOCATOR_ENV sets where jemalloc is found", () => {
    const text = read("infra/containers/worker.Dockerfile");
    expect(text).toMatch(/apt-get install -y --no-install-recommends libjemalloc2/);
    const env = workerAllocatorEnv("/usr/local/lib/libjemalloc.so.2");
    expect(env.MALLOC_CONF).toBe(JEMALLOC_CONF);
    for (const [name, value] of Object.entries(env)) expect(text).toContain(`${name}=${value}`);
  });
});
