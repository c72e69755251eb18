/** A request budget: at most `max` requests per `windowMs`, counted per credential. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  day: 86_400_000,
};

const PATTERN = /^(\d{1,9})\s*\/\s*(\d{0,6})\s*([a-z]+)$/;

/**
 * Parses `<max>/<window>` as operators write it: `600/min`, `20/s`, `5000/hour`, `100/10s`.
 * Throws with a readable message; the config module and the CLI both report it as given.
 */
export function parseRateLimit(text: string): RateLimit {
  const match = PATTERN.exec(text.trim().toLowerCase());
  const unit = match ? UNIT_MS[match[3] ?? ""] : undefined;
  const count = match?.[2] ? Number(match[2]) : 1;
  if (!match || unit === undefined || count < 1) {
    throw new Error(`a rate limit is <max>/<window> such as 600/min, 20/s or 100/10s (units: s, min, h, day), got "${text}"`);
  }
  const max = Number(match[1]);
  if (max < 1) throw new Error(`a rate limit allows at least 1 request, got "${text}"`);
  return { max, windowMs: count * unit };
}

/** The inverse of parseRateLimit, for logs and listings: `600/min`, `100/10s`. */
export function formatRateLimit({ max, windowMs }: RateLimit): string {
  for (const [unit, ms] of [["day", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1_000]] as const) {
    if (windowMs % ms === 0) return windowMs === ms ? `${max}/${unit}` : `${max}/${windowMs / ms}${unit}`;
  }
  return `${max}/${windowMs}ms`;
}
