import type { ServiceSettings } from "../service-settings.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The servers the integration and e2e projects run against, provisioned once per run. */
    services: ServiceSettings;
    /** The reliability project's profile and report directory (see reliability.ts). */
    reliability?: { profile: "full" | "ci"; soakMs?: number; reportDir?: string };
  }
}

/** The key under which the global setup provides the service settings. */
export const SERVICES_KEY = "services" as const;
