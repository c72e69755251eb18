import { InvalidArgumentError } from "@commander-js/extra-typings";
import { UsageError } from "./command.ts";
import { parseDuration } from "./duration.ts";

/**
 * Commander argument parsers: options arrive typed (a number of milliseconds, an integer), and a
 * bad value is commander's usage error (exit 2) naming the option.
 */
export function integerBetween(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return value;
  };
}

export function durationUpTo(maxMs: number, maxText: string): (text: string) => number {
  return (text) => {
    let ms: number;
    try {
      ms = parseDuration(text, "the duration");
    } catch (error) {
      throw new InvalidArgumentError(error instanceof UsageError ? "a duration such as 0, 90s, 30m, 24h or 7d" : String(error));
    }
    if (ms > maxMs) throw new InvalidArgumentError(`at most ${maxText}`);
    return ms;
  };
}
