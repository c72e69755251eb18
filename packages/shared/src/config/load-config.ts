import type { EnvMap } from "./config-reader.ts";
import { type Config, parseConfig } from "./config.ts";

/** The one place that reads `process.env`. Call it once, from a service's main.ts. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}

export interface FallbackConfig {
  readonly config: Config;
  /** Whether the fallback was used. */
  readonly usedFallback: boolean;
  /** The fallback's variables the environment sets itself (then the fallback is not used). */
  readonly setInEnvironment: readonly string[];
}

/**
 * The environment, or, when it sets none of the fallback's variables, the environment over the
 * fallback (the CLI's: the settings `pnpm start` wrote to `.data/stack.json`). All or nothing: an
 * environment that names any server (production, a test) is used as it is, never mixed with a
 * local stack's half.
 */
export function loadConfigWithFallback(fallback: EnvMap): FallbackConfig {
  const setInEnvironment = Object.keys(fallback).filter((name) => process.env[name] !== undefined);
  const usedFallback = setInEnvironment.length === 0 && Object.keys(fallback).length > 0;
  return { config: parseConfig(usedFallback ? { ...fallback, ...process.env } : process.env), usedFallback, setInEnvironment };
}
