import { findContainerEngine } from "./container-engine.ts";
import { startContainerServices } from "./containers.ts";
import { readExternalSettings, useExternalServices } from "./env-services.ts";
import { startLocalServices } from "./local-services.ts";
import { stopOnSignals } from "./process-reaper.ts";
import type { ProvisionedServices, ServiceSource } from "./service-settings.ts";

export interface ProvisionOptions {
  /**
   * Keep the local servers' data here across runs (`pnpm start` uses `.data/`).
   * Default: a temp dir, removed by stop(). Containers always start empty.
   */
  dataDir?: string;
  /** Bucket to create on provisioned S3 servers. Default "images". */
  bucket?: string;
  /**
   * Take this path instead of choosing. Default: the `INGEST_SERVICES` variable if set
   * (env, containers or local), else the first that works of env, containers, local.
   */
  source?: ServiceSource;
  /**
   * Stop the servers on SIGINT, SIGTERM and SIGHUP. Default true. Turn it off when the caller
   * orders its own shutdown (stopping its own children before the servers they use).
   */
  handleSignals?: boolean;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines. Default: stderr, prefixed "[provision]". */
  log?: (line: string) => void;
}

const SOURCES: readonly ServiceSource[] = ["env", "containers", "local"];

/**
 * MongoDB, Redis and S3 servers for the tests and `pnpm start`, from the first source that works:
 * 1. MONGO_URL, REDIS_URL, S3_ENDPOINT (and the S3_* credentials) in the environment;
 * 2. a container engine that answers: MongoDB, Redis and MinIO containers (testcontainers);
 * 3. locally installed redis-server, mongod or FerretDB, and MinIO on free loopback ports;
 * 4. otherwise a MissingServerError naming what to install and how.
 * Whatever it starts dies with this process.
 */
export async function provisionServices(options: ProvisionOptions = {}): Promise<ProvisionedServices> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`[provision] ${line}\n`));
  const bucket = options.bucket ?? "images";
  const forced = options.source ?? parseSource(env.INGEST_SERVICES);

  const external = forced === undefined || forced === "env" ? readExternalSettings(env) : undefined;
  if (forced === "env" && !external) throw new Error("INGEST_SERVICES=env, but MONGO_URL, REDIS_URL and S3_ENDPOINT are not set");

  let services: ProvisionedServices;
  if (external) {
    log("using the servers named by MONGO_URL, REDIS_URL and S3_ENDPOINT");
    services = await useExternalServices(external);
  } else {
    const dockerHost = forced === "local" ? undefined : await findContainerEngine(env);
    if (forced === "containers" && !dockerHost) throw new Error("INGEST_SERVICES=containers, but no container engine answers");
    if (dockerHost) {
      log(`container engine at ${dockerHost}: starting MongoDB, Redis and MinIO containers`);
      services = await startContainerServices({ dockerHost, bucket });
    } else {
      log(`no container engine answers: starting local servers${options.dataDir ? ` (data in ${options.dataDir})` : ""}`);
      services = await startLocalServices({ dataDir: options.dataDir, bucket, env });
    }
  }

  if (options.handleSignals === false) return services;
  const removeHandlers = stopOnSignals(services.stop);
  return {
    ...services,
    stop: async () => {
      removeHandlers();
      await services.stop();
    },
  };
}

function parseSource(value: string | undefined): ServiceSource | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const source = value.trim() as ServiceSource;
  if (!SOURCES.includes(source)) throw new Error(`INGEST_SERVICES must be one of ${SOURCES.join(", ")}, got "${value}"`);
  return source;
}

/** One line per server, for logs that show what a run used. */
export function describeServices(services: ProvisionedServices): string[] {
  const { settings } = services;
  return [
    `MongoDB protocol: ${settings.versions.mongo} at ${settings.mongoUrl} (${services.mongo.describe()})`,
    `Redis: ${settings.versions.redis} at ${settings.redisUrl} (${services.redis.describe()})`,
    `S3: ${settings.versions.s3} at ${settings.s3.endpoint}, bucket ${settings.s3.bucket} (${services.s3.describe()})`,
  ];
}
