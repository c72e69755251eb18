import { toServiceEnv } from "../service-env.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { TestNames } from "./unique-names.ts";

/** The app's environment for one test: the shared servers, with the test's own names. */
export function testServiceEnv(services: ServiceSettings, names: TestNames): Record<string, string> {
  return {
    ...toServiceEnv(services),
    MONGO_DB: names.database,
    QUEUE_PREFIX: names.queuePrefix,
    S3_KEY_PREFIX: names.keyPrefix,
  };
}
