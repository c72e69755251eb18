import type { TestProject } from "vitest/node";
import { describeServices, provisionServices } from "../provision-services.ts";
import type { ProvisionedServices } from "../service-settings.ts";
import "./provided-context.ts";

/**
 * Vitest global setup of the integration and e2e projects. Each project loads its own copy of
 * this module, so the servers are shared through a process-wide slot: provisioned once per run,
 * stopped when the last project that uses them tears down.
 */
const SLOT = Symbol.for("image-ingest.provisioned-services");

interface Shared {
  services: Promise<ProvisionedServices>;
  users: number;
}

type WithSlot = typeof globalThis & { [SLOT]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const slot = globalThis as WithSlot;
  slot[SLOT] ??= { services: provisionAndReport(), users: 0 };
  const shared = slot[SLOT];
  shared.users += 1;
  const services = await shared.services;
  project.provide("services", services.settings);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete slot[SLOT];
    await services.stop();
  };
}

async function provisionAndReport(): Promise<ProvisionedServices> {
  const started = Date.now();
  const services = await provisionServices();
  console.log(
    [
      `[services] ${services.settings.source} servers, ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
      ...describeServices(services).map((line) => `  ${line}`),
    ].join("\n"),
  );
  return services;
}
