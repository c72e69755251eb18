import "./provided-context.ts";

export { cleanUpTestData } from "./clean-up-test-data.ts";
export { type Finding, type ReliabilityProfile, recordFinding, reliabilityProfile } from "./reliability.ts";
export { SERVICES_KEY } from "./provided-context.ts";
export { defaultTestStore, TEST_STORES, type TestStore, testServiceEnv } from "./test-env.ts";
export { testServices } from "./test-services.ts";
export { type TestNames, uniqueTestNames } from "./unique-names.ts";
