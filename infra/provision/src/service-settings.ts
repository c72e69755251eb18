/** Where the servers came from, in the order provisioning tries them. */
export type ServiceSource = "env" | "containers" | "local";

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** What each server reports about itself, for logs that prove which servers a run used. */
export interface ServiceVersions {
  mongo: string;
  redis: string;
  s3: string;
}

/** Plain, serialisable connection settings (they cross process boundaries in tests). */
export interface ServiceSettings {
  source: ServiceSource;
  /** A MongoDB connection string without a database name: each user picks its own database. */
  mongoUrl: string;
  redisUrl: string;
  s3: S3Settings;
  versions: ServiceVersions;
}

/** One server as provisioning controls it. */
export interface ManagedServer {
  readonly name: "mongo" | "redis" | "s3";
  /** False for external servers (env): start() and stop() then throw. */
  readonly restartable: boolean;
  /** Where it runs, for humans: "redis-server pid 4242 on 127.0.0.1:41234". */
  describe(): string;
  /** Starts it again on the same address after stop(). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Calls the listener when the server exits without stop() having been called.
   * Returns a function that removes the listener. External servers never call it.
   */
  onUnexpectedExit(listener: (reason: string) => void): () => void;
  /**
   * SIGSTOP / SIGCONT: the server hangs with its connections open, then carries on. Only local
   * servers (containers and external servers have neither).
   */
  pause?(): void;
  resume?(): void;
  /** SIGKILL (no shutdown of its own); start() brings it back. Only local servers. */
  kill?(): Promise<void>;
}

export interface ProvisionedServices {
  readonly settings: ServiceSettings;
  readonly mongo: ManagedServer;
  readonly redis: ManagedServer;
  readonly s3: ManagedServer;
  /** True when the data outlives stop() (external servers, or local servers with a dataDir). */
  readonly persistent: boolean;
  /** Stops what provisioning started and removes its temporary data. Safe to call twice. */
  stop(): Promise<void>;
}
