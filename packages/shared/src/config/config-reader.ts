/**
 * A tiny typed reader over an environment map. Every problem is collected rather than thrown
 * at once, so a bad deployment learns about all of its bad variables in one error.
 */
export type EnvMap = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export class ConfigReader {
  readonly #env: EnvMap;
  readonly #problems: string[] = [];

  constructor(env: EnvMap) {
    this.#env = env;
  }

  #raw(name: string): string | undefined {
    const value = this.#env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.#raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.#raw(name);
  }

  requiredString(name: string, why: string): string {
    const value = this.#raw(name);
    if (value === undefined) this.#problems.push(`${name} is required (${why})`);
    return value ?? "";
  }

  integer(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      this.#problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.#raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    this.#problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.#problems.push(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string | undefined, protocols: readonly string[]): string {
    const raw = this.#raw(name) ?? fallback;
    if (raw === undefined) {
      this.#problems.push(`${name} is required`);
      return "";
    }
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.#problems.push(`${name} must use ${protocols.join(" or ")}, got "${parsed.protocol}"`);
      }
    } catch {
      this.#problems.push(`${name} must be a URL, got "${raw}"`);
    }
    return raw;
  }

  integerList(name: string, fallback: readonly number[], range: { min: number; max: number }): number[] {
    const raw = this.#raw(name);
    if (raw === undefined) return [...fallback];
    const values = raw.split(",").map((part) => Number(part.trim()));
    if (values.some((v) => !Number.isInteger(v) || v < range.min || v > range.max)) {
      this.#problems.push(`${name} must be a comma-separated list of integers from ${range.min} to ${range.max}, got "${raw}"`);
      return [...fallback];
    }
    return [...new Set(values)].sort((a, b) => a - b);
  }

  subsetOf<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
    const raw = this.#raw(name);
    if (raw === undefined) return [...fallback];
    const values = raw.split(",").map((part) => part.trim());
    const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
    if (bad.length > 0 || values.length === 0) {
      this.#problems.push(`${name} must be a comma-separated subset of ${allowed.join(", ")}, got "${raw}"`);
      return [...fallback];
    }
    return [...new Set(values)] as T[];
  }

  problem(message: string): void {
    this.#problems.push(message);
  }

  /** Throws one ConfigError listing every problem found so far. */
  assertValid(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#problems);
  }
}
