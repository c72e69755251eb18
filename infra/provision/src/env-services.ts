import { describeMongo } from "./mongo-probe.ts";
import { describeRedis } from "./redis-probe.ts";
import { ensureBucket, s3ServerHeader } from "./s3-bucket.ts";
import type { ManagedServer, ProvisionedServices, S3Settings } from "./service-settings.ts";

const SELECTORS = ["MONGO_URL", "REDIS_URL", "S3_ENDPOINT"] as const;
const REQUIRED = [...SELECTORS, "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_BUCKET"] as const;

export interface ExternalSettings {
  mongoUrl: string;
  redisUrl: string;
  s3: S3Settings;
}

/**
 * Settings for servers someone else runs, or undefined when the environment names none.
 * Naming some but not all is an error: silently starting other servers would hide the typo.
 */
export function readExternalSettings(env: NodeJS.ProcessEnv): ExternalSettings | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  if (!SELECTORS.some((name) => value(name))) return undefined;
  const missing = REQUIRED.filter((name) => !value(name));
  if (missing.length > 0) {
    const present = SELECTORS.filter((name) => value(name));
    throw new Error(
      `External servers are only partly configured: ${present.join(", ")} set, ${missing.join(", ")} missing. ` +
        `Set all of ${REQUIRED.join(", ")} to use existing servers, or none of them to have servers started for you.`,
    );
  }
  return {
    mongoUrl: value("MONGO_URL")!,
    redisUrl: value("REDIS_URL")!,
    s3: {
      endpoint: value("S3_ENDPOINT")!,
      region: value("S3_REGION") ?? "us-east-1",
      bucket: value("S3_BUCKET")!,
      accessKeyId: value("S3_ACCESS_KEY_ID")!,
      secretAccessKey: value("S3_SECRET_ACCESS_KEY")!,
      forcePathStyle: (value("S3_FORCE_PATH_STYLE") ?? "true").toLowerCase() !== "false",
    },
  };
}

/** Uses servers from the environment as they are; stop() leaves them running. */
export async function useExternalServices(external: ExternalSettings): Promise<ProvisionedServices> {
  const answer = <T>(name: string, probe: Promise<T>) =>
    probe.catch((error: unknown) => {
      throw new Error(`${name} from the environment does not answer: ${error instanceof Error ? error.message : String(error)}`);
    });
  const [mongo, redis, s3Server] = await Promise.all([
    answer("MONGO_URL", describeMongo(external.mongoUrl)),
    answer("REDIS_URL", describeRedis(external.redisUrl)),
    s3ServerHeader(external.s3.endpoint),
    answer("S3_ENDPOINT", ensureBucket(external.s3)),
  ]);
  return {
    settings: { source: "env", ...external, versions: { mongo, redis, s3: `${s3Server ?? "S3"} at ${external.s3.endpoint}` } },
    mongo: externalServer("mongo"),
    redis: externalServer("redis"),
    s3: externalServer("s3"),
    persistent: true,
    stop: async () => {},
  };
}

function externalServer(name: ManagedServer["name"]): ManagedServer {
  const refuse = async () => {
    throw new Error(`${name} comes from the environment; provisioning cannot start or stop it`);
  };
  return {
    name,
    restartable: false,
    describe: () => `${name} from the environment`,
    start: refuse,
    stop: refuse,
    onUnexpectedExit: () => () => {},
  };
}
