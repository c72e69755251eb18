import { inject } from "vitest";
import type { ServiceSettings } from "../service-settings.ts";
import "./provided-context.ts";

/** The servers this run provisioned (in an integration or e2e test). */
export function testServices(): ServiceSettings {
  const services = inject("services");
  if (!services) {
    throw new Error(
      "No servers were provided: testServices() works only in the integration and e2e projects, whose global setup provisions them.",
    );
  }
  return services;
}
