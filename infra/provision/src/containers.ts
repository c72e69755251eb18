import type { GenericContainer, StartedTestContainer } from "testcontainers";
import { describeMongo } from "./mongo-probe.ts";
import { describeRedis } from "./redis-probe.ts";
import { ensureBucket } from "./s3-bucket.ts";
import type { ManagedServer, ProvisionedServices, S3Settings } from "./service-settings.ts";

/** Pinned images: the tests always meet the same servers. */
export const IMAGES = {
  mongo: "mongo:7",
  redis: "redis:7",
  minio: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
} as const;

const S3_CREDENTIALS = { accessKeyId: "ingest-test", secretAccessKey: "ingest-test-secret" } as const;
const STARTUP_TIMEOUT_MS = 180_000; // includes pulling the image the first time

type Testcontainers = typeof import("testcontainers");

/**
 * One container whose host port survives a restart: stop() removes the container, start()
 * creates a fresh one bound to the same host port (its data does not survive, as with the
 * throwaway local servers).
 */
export class ContainerServer implements ManagedServer {
  readonly name: ManagedServer["name"];
  readonly restartable = true;
  readonly #build: () => GenericContainer;
  readonly #containerPort: number;
  #container: StartedTestContainer | undefined;
  #hostPort: number | undefined;

  constructor(name: ManagedServer["name"], containerPort: number, build: () => GenericContainer) {
    this.name = name;
    this.#containerPort = containerPort;
    this.#build = build;
  }

  get address(): string {
    if (!this.#container || this.#hostPort === undefined) throw new Error(`${this.name} container is not running`);
    return `${this.#container.getHost()}:${this.#hostPort}`;
  }

  describe(): string {
    return this.#container ? `${this.name} container ${this.#container.getId().slice(0, 12)} on ${this.address}` : `${this.name} container (stopped)`;
  }

  async start(): Promise<void> {
    if (this.#container) return;
    const port = this.#hostPort === undefined ? this.#containerPort : { container: this.#containerPort, host: this.#hostPort };
    this.#container = await this.#build().withExposedPorts(port).withStartupTimeout(STARTUP_TIMEOUT_MS).start();
    this.#hostPort = this.#container.getMappedPort(this.#containerPort);
  }

  async stop(): Promise<void> {
    const container = this.#container;
    this.#container = undefined;
    await container?.stop();
  }

  onUnexpectedExit(): () => void {
    return () => {};
  }
}

/** A Redis container, not yet started. */
export async function createRedisContainer(): Promise<ContainerServer> {
  const { GenericContainer, Wait }: Testcontainers = await import("testcontainers");
  return new ContainerServer("redis", 6379, () =>
    new GenericContainer(IMAGES.redis)
      .withCommand(["redis-server", "--save", "", "--appendonly", "no"])
      .withWaitStrategy(Wait.forLogMessage("Ready to accept connections")),
  );
}

/** Starts MongoDB, Redis and MinIO with testcontainers (loaded only on this path). */
export async function startContainerServices(options: { dockerHost: string; bucket: string }): Promise<ProvisionedServices> {
  // testcontainers finds Docker's usual sockets itself, not Podman's or Colima's.
  process.env.DOCKER_HOST ??= options.dockerHost;
  const { GenericContainer, Wait }: Testcontainers = await import("testcontainers");

  const mongo = new ContainerServer("mongo", 27017, () =>
    new GenericContainer(IMAGES.mongo).withWaitStrategy(Wait.forLogMessage(/Waiting for connections/)),
  );
  const redis = await createRedisContainer();
  const minio = new ContainerServer("s3", 9000, () =>
    new GenericContainer(IMAGES.minio)
      .withCommand(["server", "/data"])
      .withEnvironment({ MINIO_ROOT_USER: S3_CREDENTIALS.accessKeyId, MINIO_ROOT_PASSWORD: S3_CREDENTIALS.secretAccessKey })
      .withWaitStrategy(Wait.forHttp("/minio/health/live", 9000)),
  );
  const servers = [mongo, redis, minio];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };

  try {
    const started = await Promise.allSettled(servers.map((server) => server.start()));
    const failure = started.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    const mongoUrl = `mongodb://${mongo.address}/?directConnection=true`;
    const redisUrl = `redis://${redis.address}`;
    const s3: S3Settings = { endpoint: `http://${minio.address}`, region: "us-east-1", bucket: options.bucket, forcePathStyle: true, ...S3_CREDENTIALS };
    await ensureBucket(s3);
    const [mongoVersion, redisVersion] = await Promise.all([describeMongo(mongoUrl), describeRedis(redisUrl)]);
    return {
      settings: {
        source: "containers",
        mongoUrl,
        redisUrl,
        s3,
        versions: { mongo: `${mongoVersion} (${IMAGES.mongo})`, redis: `${redisVersion} (${IMAGES.redis})`, s3: IMAGES.minio },
      },
      mongo,
      redis,
      s3: minio,
      persistent: false,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
