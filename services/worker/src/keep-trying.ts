import { setTimeout as sleep } from "node:timers/promises";

/**
 * Runs `attempt` in the background until it succeeds, waiting longer after each failure
 * (1 s doubling to 30 s). Returns a handle to give up, for shutdown.
 */
export function keepTrying(attempt: () => Promise<unknown>, onError: (error: unknown) => void): { cancel(): void; done: Promise<void> } {
  const controller = new AbortController();
  const done = (async () => {
    for (let delay = 1_000; !controller.signal.aborted; delay = Math.min(delay * 2, 30_000)) {
      try {
        await attempt();
        return;
      } catch (error) {
        if (controller.signal.aborted) return;
        onError(error);
      }
      await sleep(delay, undefined, { signal: controller.signal }).catch(() => {});
    }
  })();
  return { cancel: () => controller.abort(), done };
}
