import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchBodyRate } from "./body-rate.watch.ts";

function fakeBody(): IncomingMessage & EventEmitter {
  return Object.assign(new EventEmitter(), { complete: false }) as unknown as IncomingMessage & EventEmitter;
}

describe("watchBodyRate", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("cuts a body that delivers too little in a window, once, and stops listening", () => {
    const body = fakeBody();
    const tooSlow = vi.fn();
    watchBodyRate(body, { minBytes: 1000, windowMs: 1000 }, tooSlow);
    body.emit("data", Buffer.alloc(1500));
    vi.advanceTimersByTime(1000);
    expect(tooSlow).not.toHaveBeenCalled();
    body.emit("data", Buffer.alloc(999));
    vi.advanceTimersByTime(1000);
    expect(tooSlow).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(tooSlow).toHaveBeenCalledTimes(1);
    expect(body.listenerCount("data")).toBe(0);
  });

  it("never cuts a body that has ended, and does nothing when turned off or stopped", () => {
    const ended = fakeBody();
    const tooSlow = vi.fn();
    watchBodyRate(ended, { minBytes: 1000, windowMs: 1000 }, tooSlow);
    (ended as { complete: boolean }).complete = true;
    vi.advanceTimersByTime(3000);
    const off = fakeBody();
    watchBodyRate(off, { minBytes: 0, windowMs: 1000 }, tooSlow);
    const stopped = fakeBody();
    watchBodyRate(stopped, { minBytes: 1000, windowMs: 1000 }, tooSlow)();
    vi.advanceTimersByTime(3000);
    expect(tooSlow).not.toHaveBeenCalled();
    expect(off.listenerCount("data") + stopped.listenerCount("data")).toBe(0);
  });
});
