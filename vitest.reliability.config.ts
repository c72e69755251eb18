import { defineConfig } from "vitest/config";
import { reliabilityProject } from "./vitest.config.ts";

/**
 * `pnpm test:reliability`: the full reliability suite (hostile HTTP, hostile files, faults under
 * load, a 10-minute soak; RELIABILITY_SOAK_MS shortens the soak). The `ci` profile of the same
 * files runs inside `pnpm test`.
 */
const soakMs = Number(process.env.RELIABILITY_SOAK_MS) || undefined;

export default defineConfig({
  test: {
    projects: [reliabilityProject({ profile: "full", soakMs })],
  },
});
