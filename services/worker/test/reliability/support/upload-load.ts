import { setTimeout as sleep } from "node:timers/promises";
import type { Deployment } from "./deployment.ts";

/** What a client saw for one upload. */
export type UploadOutcome =
  | { readonly kind: "created"; readonly productId: string; readonly companyId: string; readonly url: string; readonly imageId: string }
  | { readonly kind: "refused"; readonly status: number; readonly retryAfter: string | null; readonly body: string }
  | { readonly kind: "unreachable"; readonly reason: string };

export interface Target {
  readonly companyId: string;
  readonly key: string;
  readonly productId: string;
}

/** A client's patience: an answer later than this is a hang, and the run fails. */
export const CLIENT_PATIENCE_MS = 30_000;

/** One upload, as a client would do it, never waiting past CLIENT_PATIENCE_MS. */
export async function uploadOnce(deployment: Deployment, target: Target, bytes: Buffer): Promise<UploadOutcome> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "load.png");
  let response: Response;
  try {
    response = await fetch(`${deployment.baseUrl}/api/v1/products/${target.productId}/images`, {
      method: "POST",
      headers: { authorization: `Bearer ${target.key}` },
      body: form,
      signal: AbortSignal.timeout(CLIENT_PATIENCE_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    // A hang is not "unreachable": it fails the run.
    if ((error as Error).name === "TimeoutError") throw new Error(`an upload got no answer within ${CLIENT_PATIENCE_MS} ms`);
    return { kind: "unreachable", reason: String(cause) };
  }
  const text = await response.text().catch(() => "");
  if (response.status === 201) {
    const body = JSON.parse(text) as { imageUrl: string; imageId: string };
    return { kind: "created", productId: target.productId, companyId: target.companyId, url: body.imageUrl, imageId: body.imageId };
  }
  return { kind: "refused", status: response.status, retryAfter: response.headers.get("retry-after"), body: text };
}

/**
 * Runs at least `min` uploads, `concurrency` at a time, round-robin over the targets, and goes on
 * while `keepGoing()` says so, up to `max` in all (every loop here is bounded in count).
 */
export async function runLoad(
  deployment: Deployment,
  targets: readonly Target[],
  bytes: Buffer,
  { min, max, concurrency, keepGoing = () => false }: { min: number; max: number; concurrency: number; keepGoing?: () => boolean },
): Promise<UploadOutcome[]> {
  const outcomes: UploadOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < max && (next < min || keepGoing())) {
      const index = next++;
      const outcome = await uploadOnce(deployment, targets[index % targets.length]!, bytes);
      outcomes.push(outcome);
      // While the API is down, a client backs off a little rather than spend its uploads on refusals.
      if (outcome.kind === "unreachable") await sleep(250);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return outcomes;
}

/** Counts by kind and status, for the report. */
export function summarize(outcomes: readonly UploadOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const label = outcome.kind === "created" ? "201" : outcome.kind === "refused" ? String(outcome.status) : `unreachable (${outcome.reason})`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}
