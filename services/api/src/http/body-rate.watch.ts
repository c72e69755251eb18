import type { IncomingMessage } from "node:http";

/** At least `minBytes` of body in every `windowMs`; `minBytes` 0 turns the check off. */
export interface BodyRate {
  readonly minBytes: number;
  readonly windowMs: number;
}

/**
 * Calls `onTooSlow` once if a window of `windowMs` passes in which the body delivered fewer than
 * `minBytes` (and had not ended). The server's request timeout alone would let a body that
 * trickles or stalls hold its upload slot for minutes; this hands it back within two windows.
 * Counting bytes with a 'data' listener is safe only on a body already flowing into its
 * consumer (the multipart parser), which is how the reader calls it. Returns a stop function.
 */
export function watchBodyRate(body: IncomingMessage, rate: BodyRate, onTooSlow: () => void): () => void {
  if (rate.minBytes <= 0) return () => {};
  let received = 0;
  const count = (chunk: Buffer): void => {
    received += chunk.length;
  };
  const timer = setInterval(() => {
    if (body.complete) return stop();
    if (received < rate.minBytes) {
      stop();
      return onTooSlow();
    }
    received = 0;
  }, rate.windowMs);
  timer.unref();
  body.on("data", count);
  function stop(): void {
    clearInterval(timer);
    body.off("data", count);
  }
  return stop;
}
