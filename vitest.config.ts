import { defineConfig } from "vitest/config";

// Integration and e2e tests share one set of real servers per run, provisioned by this setup
// (env settings, else containers, else local servers: see infra/README.md).
const globalSetup = ["infra/provision/src/testing/global-setup.ts"];
const exclude = ["**/node_modules/**", "**/dist/**", ".data/**"];

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["**/src/**/*.test.ts"], exclude, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/test/integration/**/*.test.ts"],
          exclude,
          globalSetup,
          // Projects run one after another (unit, integration, e2e), not all at once.
          sequence: { groupOrder: 1 },
          // Two cores also run the servers: two test files at a time keeps the CPU busy without
          // starving them into timeouts.
          pool: "forks",
          poolOptions: { forks: { minForks: 1, maxForks: 2 } },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["**/test/e2e/**/*.test.ts"],
          exclude,
          globalSetup,
          sequence: { groupOrder: 2 },
          // Each file starts real API and worker processes: one file at a time.
          pool: "forks",
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
