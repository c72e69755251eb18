import { expect } from "vitest";
import type { RawReply } from "./raw-http.ts";

/**
 * The promise every hostile request is held to: no 5xx except a deliberate 503 with
 * Retry-After, and every error body exactly `{ "error": "<non-empty text>" }`. `mayClose`: the
 * request itself was incomplete, so closing without an answer is also honest.
 */
export function expectHonest(reply: RawReply, context: string, options: { mayClose?: boolean } = {}): void {
  if (reply.status === null) {
    expect(options.mayClose, `${context}: closed without an answer`).toBe(true);
    return;
  }
  const { status } = reply;
  if (status >= 500) {
    const body = reply.body.slice(0, 200);
    expect({ context, status, body, retryAfter: reply.headers["retry-after"] !== undefined }).toEqual({ context, status: 503, body, retryAfter: true });
  }
  if (status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(reply.body);
    } catch {
      body = reply.body;
    }
    const shape = body !== null && typeof body === "object" && !Array.isArray(body) ? Object.keys(body) : typeof body;
    const text = reply.body.slice(0, 200);
    expect({ context, status, text, shape }).toEqual({ context, status, text, shape: ["error"] });
    const message = (body as { error: unknown }).error;
    expect(typeof message === "string" && message.length > 0, `${context}: error text ${JSON.stringify(message)}`).toBe(true);
  }
}
