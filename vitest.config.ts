import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Integration and e2e tests share one set of real servers per run, provisioned by this setup
// (env settings, else containers, else local servers: see infra/README.md).
const globalSetup = ["infra/provision/src/testing/global-setup.ts"];
const exclude = ["**/node_modules/**", "**/dist/**", ".data/**"];

/**
 * The reliability suite (every `test/reliability` folder): its `ci` profile runs last in `pnpm test`; the
 * `full` profile is `pnpm test:reliability` (vitest.reliability.config.ts). One file at a time:
 * its files start their own servers and processes and push the machine on purpose.
 */
export function reliabilityProject(reliability: { profile: "full" | "ci"; soakMs?: number }): TestProjectInlineConfiguration {
  const full = reliability.profile === "full";
  return {
    extends: true,
    test: {
      name: full ? "reliability" : "reliability-ci",
      include: ["**/test/reliability/**/*.test.ts"],
      exclude,
      globalSetup: [...globalSetup, "infra/provision/src/testing/reliability-setup.ts"],
      provide: { reliability },
      sequence: { groupOrder: 3 },
      pool: "forks",
      fileParallelism: false,
      testTimeout: full ? 30 * 60_000 : 120_000,
      hookTimeout: 120_000,
    },
  };
}

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
      reliabilityProject({ profile: "ci" }),
    ],
  },
});
