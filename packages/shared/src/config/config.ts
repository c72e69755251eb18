import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { RateLimit } from "../limits/rate-limit.ts";
import type { Durability, StoreSettings } from "../store/store.ts";
import { ConfigReader, type EnvMap } from "./config-reader.ts";
import { hexKey, rateLimit, readDurability, readStore, secretSha256, sha256Hex } from "./config-values.ts";

export const STORAGE_DRIVERS = ["fs", "s3"] as const;
export const DERIVATIVE_FORMATS = ["webp", "avif"] as const;
export type DerivativeFormat = (typeof DERIVATIVE_FORMATS)[number];

/** Everything the services read from the environment, validated once and frozen. */
export interface Config {
  readonly logLevel: string;
  /** Time allowed for in-flight work on SIGTERM/SIGINT before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Base of every public image URL: `<publicBaseUrl>/<companyId>/products/<id>/images/<imageId>.<ext>`. */
  readonly publicBaseUrl: string;
  /**
   * Deadline of one call to a dependency (an S3 request, a MongoDB operation): past it the call
   * fails, and a request waiting on it answers 503 with Retry-After. Default 5 s.
   */
  readonly dependencyTimeoutMs: number;
  /** The database: embedded SQLite (one machine, the default) or MongoDB (several machines). */
  readonly store: StoreSettings;
  readonly redis: { readonly url: string };
  readonly queue: { readonly prefix: string };
  readonly storage: {
    readonly driver: (typeof STORAGE_DRIVERS)[number];
    readonly fsDir: string;
    /** What a 201 outlives with the folder store (DURABILITY; see Durability). */
    readonly durability: Durability;
    readonly s3: {
      readonly endpoint: string | undefined;
      readonly region: string;
      readonly bucket: string;
      readonly accessKeyId: string | undefined;
      readonly secretAccessKey: string | undefined;
      readonly forcePathStyle: boolean;
      /** Prefix for every object key, so several deployments (or tests) can share a bucket. */
      readonly keyPrefix: string;
      /** Deadline of one S3 call (DEPENDENCY_TIMEOUT_MS). */
      readonly timeoutMs: number;
    };
  };
  readonly api: {
    readonly host: string;
    readonly port: number;
    /** Uploads handled at once per process; past it the API answers 503 with Retry-After. */
    readonly maxConcurrentUploads: number;
    readonly uploadSpoolDir: string;
    /** Of those, at most this many for one company (default 16)… */
    readonly maxUploadsPerCompany: number;
    /** …and for one credential (default 8), so no caller can take every slot. */
    readonly maxUploadsPerCredential: number;
    /**
     * An upload body that delivers fewer than `minBytes` in any `windowMs` is cut with 408, so a
     * stalled client gives its slot back within seconds. `minBytes` 0 turns it off. Default 16 KiB per 10 s.
     */
    readonly minUploadRate: { readonly minBytes: number; readonly windowMs: number };
    /** Whether the API serves stored objects under `/files/` (always on for the fs driver). */
    readonly serveFiles: boolean;
    /** How long a verified API key is trusted from cache; bounds how late a revocation bites. */
    readonly authCacheTtlMs: number;
    readonly oauth: {
      readonly jwksUrl: string | undefined;
      readonly jwksFile: string | undefined;
      readonly issuer: string | undefined;
      readonly audience: string | undefined;
      readonly companyClaim: string;
    };
  };
  readonly worker: {
    readonly healthPort: number;
    readonly concurrency: number;
    readonly sharpConcurrency: number;
    readonly derivativeWidths: readonly number[];
    readonly derivativeFormats: readonly DerivativeFormat[];
    readonly maxPixels: number;
    readonly imageTimeoutSeconds: number;
    readonly reconcileIntervalMs: number;
    /** How often the full audit (every ready image against its product, every object against the ledger) starts. Default a day. */
    readonly auditIntervalMs: number;
    /** Age after which a staged object that was never appended counts as abandoned. */
    readonly stagedGraceMs: number;
    /**
     * How long a worker's lock on an active job lasts without renewal (BullMQ `lockDuration`);
     * a worker that died outright loses its jobs to another after about this long. Default 30 s.
     */
    readonly lockDurationMs: number;
    /** How often workers look for jobs whose lock lapsed (BullMQ `stalledInterval`). Default 30 s. */
    readonly stalledIntervalMs: number;
  };
  // --- operators' view (issue 9): metrics, rate limits, queue dashboard, job retention ---
  readonly operators: {
    /** sha256 (hex) of the bearer token /metrics asks for; undefined: /metrics is open. */
    readonly metricsTokenSha256: string | undefined;
    readonly rateLimit: {
      readonly enabled: boolean;
      /** Per credential, for POST .../images. Default 120/min. */
      readonly uploads: RateLimit;
      /** Per credential, for every other /api/v1 request. Default 1200/min. */
      readonly requests: RateLimit;
      /** The limiter's Redis command timeout; past it the request goes through (fail open). Default 100 ms. */
      readonly redisTimeoutMs: number;
    };
    readonly admin: {
      /** sha256 (hex) of the admin secret; undefined (and no OAuth): the dashboard is off. */
      readonly tokenSha256: string | undefined;
      /** Whether an OAuth token with scope `admin` opens the dashboard (needs a JWKS). */
      readonly oauthScope: boolean;
      readonly readOnly: boolean;
    };
    /** BullMQ job retention: completed jobs by count and age, failed ones by age. */
    readonly jobRetention: {
      readonly completedCount: number;
      readonly completedAgeSeconds: number;
      readonly failedAgeSeconds: number;
    };
    /** OpenTelemetry traces over OTLP/HTTP; off by default (then no OTel code is loaded). */
    readonly tracing: { readonly enabled: boolean; readonly otlpEndpoint: string };
  };
  // --- callers (issue 12): idempotency keys, webhooks ---
  readonly callers: {
    readonly idempotency: {
      /** How long a key's first answer is replayed. Default 24 h. */
      readonly ttlMs: number;
      /**
       * How long a claimed key counts as in flight (409) before a retry may look at what it left:
       * longer than any upload can take (the server's request timeout is 2 min). Default 5 min.
       */
      readonly inFlightTimeoutMs: number;
    };
    readonly webhooks: {
      /** http:// URLs to loopback hosts (and loopback addresses) are allowed: tests and local use only. Default false. */
      readonly allowLoopback: boolean;
      /** Time for one delivery, connect to last byte. Default 10 s. */
      readonly timeoutMs: number;
      /** How long a failing delivery is retried (exponential backoff) before the endpoint is disabled. Default 24 h. */
      readonly retryWindowMs: number;
      /** The first retry's delay; each next one doubles, up to an hour. Default 1 s. */
      readonly retryBaseMs: number;
      /** 32 bytes (hex) sealing endpoint secrets at rest with AES-256-GCM; undefined: stored plain. */
      readonly secretKeyHex: string | undefined;
    };
  };
}

const KEY_PREFIX_PATTERN = /^[a-zA-Z0-9._-]*(\/[a-zA-Z0-9._-]+)*\/?$/;

export function parseConfig(env: EnvMap): Config {
  const read = new ConfigReader(env);
  const apiPort = read.integer("API_PORT", 3000, { min: 0, max: 65535 });
  const driver = read.oneOf("STORAGE_DRIVER", STORAGE_DRIVERS, "fs");
  const keyPrefix = read.string("S3_KEY_PREFIX", "");
  const fsDir = read.string("FS_STORAGE_DIR", ".data/objects");
  if (!KEY_PREFIX_PATTERN.test(keyPrefix)) read.problem(`S3_KEY_PREFIX may hold only letters, digits, . _ - and /, got "${keyPrefix}"`);
  const publicBaseUrl = read
    .url("PUBLIC_BASE_URL", `http://127.0.0.1:${apiPort}/files`, ["http:", "https:"])
    .replace(/\/+$/, "");
  const cores = availableParallelism();
  // One setting for both halves of a commit on one machine: the SQLite row and the folder's file.
  const durability = readDurability(read);
  // Reliability (issue 11): per-tenant admission, a minimum upload rate, dependency deadlines.
  const reliability = {
    maxUploadsPerCompany: read.integer("API_MAX_UPLOADS_PER_COMPANY", 16, { min: 1, max: 10_000 }),
    maxUploadsPerCredential: read.integer("API_MAX_UPLOADS_PER_CREDENTIAL", 8, { min: 1, max: 10_000 }),
    minUploadKibPerWindow: read.integer("API_UPLOAD_MIN_KIB_PER_WINDOW", 16, { min: 0, max: 1_048_576 }),
    uploadRateWindowMs: read.integer("API_UPLOAD_RATE_WINDOW_MS", 10_000, { min: 100, max: 600_000 }),
    dependencyTimeoutMs: read.integer("DEPENDENCY_TIMEOUT_MS", 5_000, { min: 100, max: 120_000 }),
  };

  const config: Config = {
    logLevel: read.oneOf("LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    shutdownTimeoutMs: read.integer("SHUTDOWN_TIMEOUT_MS", 10_000, { min: 0, max: 600_000 }),
    publicBaseUrl,
    dependencyTimeoutMs: reliability.dependencyTimeoutMs,
    store: readStore(read, env, reliability.dependencyTimeoutMs, durability),
    redis: { url: read.url("REDIS_URL", "redis://127.0.0.1:6379", ["redis:", "rediss:"]) },
    queue: { prefix: read.string("QUEUE_PREFIX", "bull") },
    storage: {
      driver,
      fsDir,
      durability,
      s3: {
        endpoint: read.optionalString("S3_ENDPOINT"),
        region: read.string("S3_REGION", "us-east-1"),
        bucket: driver === "s3" ? read.requiredString("S3_BUCKET", "STORAGE_DRIVER is s3") : read.string("S3_BUCKET", ""),
        accessKeyId: read.optionalString("S3_ACCESS_KEY_ID"),
        secretAccessKey: read.optionalString("S3_SECRET_ACCESS_KEY"),
        forcePathStyle: read.boolean("S3_FORCE_PATH_STYLE", false),
        keyPrefix: keyPrefix === "" || keyPrefix.endsWith("/") ? keyPrefix : `${keyPrefix}/`,
        timeoutMs: reliability.dependencyTimeoutMs,
      },
    },
    api: {
      host: read.string("API_HOST", "127.0.0.1"),
      port: apiPort,
      maxConcurrentUploads: read.integer("API_MAX_CONCURRENT_UPLOADS", 32, { min: 1, max: 10_000 }),
      // Upload bodies are written here as they arrive. Next to the folder store by default (the
      // commit is then a rename); in the temp folder for S3.
      uploadSpoolDir: read.string("UPLOAD_SPOOL_DIR", driver === "fs" ? join(dirname(resolve(fsDir)), ".upload-spool") : join(tmpdir(), "ingest-upload-spool")),
      maxUploadsPerCompany: reliability.maxUploadsPerCompany,
      maxUploadsPerCredential: reliability.maxUploadsPerCredential,
      minUploadRate: { minBytes: reliability.minUploadKibPerWindow * 1024, windowMs: reliability.uploadRateWindowMs },
      serveFiles: driver === "fs" || read.boolean("API_SERVE_FILES", true),
      authCacheTtlMs: read.integer("AUTH_CACHE_TTL_MS", 2_000, { min: 0, max: 5_000 }),
      oauth: {
        jwksUrl: read.optionalString("OAUTH_JWKS_URL"),
        jwksFile: read.optionalString("OAUTH_JWKS_FILE"),
        issuer: read.optionalString("OAUTH_ISSUER"),
        audience: read.optionalString("OAUTH_AUDIENCE"),
        companyClaim: read.string("OAUTH_COMPANY_CLAIM", "company_id"),
      },
    },
    worker: {
      healthPort: read.integer("WORKER_HEALTH_PORT", 3001, { min: 0, max: 65535 }),
      concurrency: read.integer("WORKER_CONCURRENCY", Math.max(1, cores), { min: 1, max: 256 }),
      sharpConcurrency: read.integer("SHARP_CONCURRENCY", 1, { min: 0, max: 64 }),
      derivativeWidths: read.integerList("DERIVATIVE_WIDTHS", [320, 640, 1280, 1920], { min: 16, max: 8192 }),
      derivativeFormats: read.subsetOf("DERIVATIVE_FORMATS", DERIVATIVE_FORMATS, ["webp"]),
      maxPixels: read.integer("MAX_INPUT_PIXELS", 40_000_000, { min: 1, max: 268_402_689 }),
      imageTimeoutSeconds: read.integer("IMAGE_TIMEOUT_SECONDS", 30, { min: 1, max: 3_600 }),
      reconcileIntervalMs: read.integer("RECONCILE_INTERVAL_MS", 60_000, { min: 1_000, max: 86_400_000 }),
      auditIntervalMs: read.integer("AUDIT_INTERVAL_MS", 86_400_000, { min: 60_000, max: 30 * 86_400_000 }),
      stagedGraceMs: read.integer("STAGED_GRACE_MS", 15 * 60_000, { min: 0, max: 7 * 86_400_000 }),
      lockDurationMs: read.integer("WORKER_LOCK_DURATION_MS", 30_000, { min: 1_000, max: 3_600_000 }),
      stalledIntervalMs: read.integer("WORKER_STALLED_INTERVAL_MS", 30_000, { min: 1_000, max: 3_600_000 }),
    },
    // --- operators' view (issue 9) ---
    operators: {
      metricsTokenSha256: secretSha256(read, "METRICS_TOKEN"),
      rateLimit: {
        enabled: read.boolean("RATE_LIMIT_ENABLED", true),
        uploads: rateLimit(read, "RATE_LIMIT_UPLOADS", "120/min"),
        requests: rateLimit(read, "RATE_LIMIT_REQUESTS", "1200/min"),
        redisTimeoutMs: read.integer("RATE_LIMIT_REDIS_TIMEOUT_MS", 100, { min: 10, max: 5_000 }),
      },
      admin: {
        tokenSha256: secretSha256(read, "ADMIN_TOKEN") ?? sha256Hex(read, "ADMIN_TOKEN_SHA256"),
        oauthScope: read.boolean("ADMIN_OAUTH_SCOPE", false),
        readOnly: read.boolean("ADMIN_READ_ONLY", false),
      },
      jobRetention: {
        completedCount: read.integer("JOBS_KEEP_COMPLETED", 1_000, { min: 0, max: 1_000_000 }),
        completedAgeSeconds: read.integer("JOBS_KEEP_COMPLETED_SECONDS", 86_400, { min: 0, max: 90 * 86_400 }),
        failedAgeSeconds: read.integer("JOBS_KEEP_FAILED_SECONDS", 7 * 86_400, { min: 0, max: 365 * 86_400 }),
      },
      tracing: {
        enabled: read.boolean("TRACING_ENABLED", false),
        otlpEndpoint: read.url("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", ["http:", "https:"]),
      },
    },
    // --- callers (issue 12) ---
    callers: {
      idempotency: {
        ttlMs: read.integer("IDEMPOTENCY_TTL_MS", 86_400_000, { min: 1_000, max: 7 * 86_400_000 }),
        inFlightTimeoutMs: read.integer("IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS", 300_000, { min: 500, max: 3_600_000 }),
      },
      webhooks: {
        allowLoopback: read.boolean("WEBHOOKS_ALLOW_LOOPBACK", false),
        timeoutMs: read.integer("WEBHOOK_TIMEOUT_MS", 10_000, { min: 100, max: 60_000 }),
        retryWindowMs: read.integer("WEBHOOK_RETRY_WINDOW_MS", 86_400_000, { min: 1_000, max: 7 * 86_400_000 }),
        retryBaseMs: read.integer("WEBHOOK_RETRY_BASE_MS", 1_000, { min: 10, max: 3_600_000 }),
        secretKeyHex: hexKey(read, "WEBHOOK_SECRET_KEY"),
      },
    },
  };

  const { oauth } = config.api;
  if (read.optionalString("ADMIN_TOKEN") && read.optionalString("ADMIN_TOKEN_SHA256")) read.problem("set only one of ADMIN_TOKEN and ADMIN_TOKEN_SHA256");
  if (config.operators.admin.oauthScope && !oauth.jwksUrl && !oauth.jwksFile) read.problem("ADMIN_OAUTH_SCOPE needs OAUTH_JWKS_URL or OAUTH_JWKS_FILE");
  if (oauth.jwksUrl && oauth.jwksFile) read.problem("set only one of OAUTH_JWKS_URL and OAUTH_JWKS_FILE");
  if ((oauth.jwksUrl || oauth.jwksFile) && (!oauth.issuer || !oauth.audience)) {
    read.problem("OAUTH_ISSUER and OAUTH_AUDIENCE are required when a JWKS is configured");
  }
  if (driver === "s3" && !config.storage.s3.endpoint && !config.storage.s3.region) read.problem("S3_REGION is required for AWS S3");
  read.assertValid();
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
