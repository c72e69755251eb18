import { toServiceEnv } from "../service-env.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { TestNames } from "./unique-names.ts";

export const TEST_STORES = ["sqlite", "mongodb"] as const;
export type TestStore = (typeof TEST_STORES)[number];

/**
 * The store a test uses when it does not ask for one: `TEST_STORE` if set (to run every suite on
 * MongoDB: `TEST_STORE=mongodb pnpm test:integration`), else the embedded SQLite default.
 */
export function defaultTestStore(): TestStore {
  const chosen = process.env.TEST_STORE;
  if (chosen === undefined || chosen === "") return "sqlite";
  if (!(TEST_STORES as readonly string[]).includes(chosen)) throw new Error(`TEST_STORE must be one of ${TEST_STORES.join(", ")}, got "${chosen}"`);
  return chosen as TestStore;
}

/** The app's environment for one test: the shared servers, with the test's own names and store. */
export function testServiceEnv(services: ServiceSettings, names: TestNames, store: TestStore = defaultTestStore()): Record<string, string> {
  const { MONGO_URL: _unused, ...servers } = toServiceEnv(services);
  return {
    ...servers,
    ...(store === "mongodb" ? { STORE: "mongodb", MONGO_URL: services.mongoUrl, MONGO_DB: names.database } : { STORE: "sqlite", SQLITE_PATH: names.sqlitePath }),
    QUEUE_PREFIX: names.queuePrefix,
    S3_KEY_PREFIX: names.keyPrefix,
  };
}
