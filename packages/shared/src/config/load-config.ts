import { type Config, parseConfig } from "./config.ts";

/** The one place that reads `process.env`. Call it once, from a service's main.ts. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
