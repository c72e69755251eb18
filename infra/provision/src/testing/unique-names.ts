import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestNames {
  /** The random part shared by all the names. */
  suffix: string;
  /** A MongoDB database name (letters, digits, underscores; FerretDB accepts it too). */
  database: string;
  /** A BullMQ queue prefix (the app's QUEUE_PREFIX), so queues of parallel tests never meet. */
  queuePrefix: string;
  /** An S3 key prefix ending in "/" (the app's S3_KEY_PREFIX). */
  keyPrefix: string;
  /** A SQLite file of the test's own (the app's SQLITE_PATH), in the OS temp dir. */
  sqlitePath: string;
}

/** Fresh names for one test's database, queues and objects; `label` keeps them readable. */
export function uniqueTestNames(label = "test"): TestNames {
  const suffix = randomBytes(5).toString("hex");
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 30) || "test";
  return {
    suffix,
    database: `t_${slug}_${suffix}`,
    queuePrefix: `t_${slug}_${suffix}`,
    keyPrefix: `t-${slug.replace(/_/g, "-")}-${suffix}/`,
    sqlitePath: join(tmpdir(), "image-ingest-tests", `t_${slug}_${suffix}.sqlite`),
  };
}
