import type { ServiceSettings } from "../service-settings.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The servers the integration and e2e projects run against, provisioned once per run. */
    services: ServiceSettings;
  }
}

/** The key under which the global setup provides the service settings. */
export const SERVICES_KEY = "services" as const;
