import { UsageError } from "./command.ts";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "0", "90s", "30m", "24h", "7d" (or a bare number of seconds) → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 0, 90s, 30m, 24h or 7d, got "${text}"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? "s"]!);
}
