import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. Default 100 ms. */
  intervalMs?: number;
  /** Stop waiting early with this error (say, the server process exited). */
  abort?: () => Error | undefined;
}

/** Polls `attempt` until it returns true; throws the abort error, or false on timeout. */
export async function waitUntil(attempt: () => Promise<boolean>, options: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    if (await attempt().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(options.intervalMs ?? 100);
  }
}
