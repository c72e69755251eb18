import { type ImageRecord, type RejectionReason, sniffImageFormat } from "@ingest/shared";
import { expect } from "vitest";
import { processImage } from "../../../src/jobs/process-image.handler.ts";
import type { Harness } from "../../support/worker-harness.ts";
import { containerEnd, metadataLeft } from "./served-metadata.ts";

/**
 * What must become of a file: refused at the API (`400` empty, `415` not one of our formats by
 * its bytes), or accepted (201) and then `ready` or rejected with a reason. A `ready` file is
 * also checked for what is served: no EXIF, XMP, GPS, comment or trailing payload.
 */
export type Expected = { readonly api: 400 | 415 } | { readonly api: 201; readonly worker: "ready" | RejectionReason };

/** Text that no served original may contain, whatever it was made from. */
const NEVER_SERVED = ["Exif\u0000\u0000", "xmpmeta", "<html", "<script", "PK\u0003\u0004"];

/**
 * Takes one file through what decides it, end to end, and checks each step against `expected`:
 * the API's verdict (sniffing the bytes, as the upload path does), then the worker's job on the
 * harness's real database and bucket, then for a `ready` file the served original: none of
 * `markers` (nor the usual metadata text), no metadata container left, nothing after the
 * container's end, and derivatives made. Returns the outcome and, once ready, the image record.
 */
export async function judgeFile(
  harness: Harness,
  name: string,
  bytes: Buffer,
  expected: Expected,
  markers: readonly string[] = [],
): Promise<{ outcome: string; record?: ImageRecord }> {
  const sniffed = bytes.length === 0 ? null : await sniffImageFormat(bytes);
  const api = bytes.length === 0 ? 400 : sniffed === null ? 415 : 201;
  expect({ name, api }).toEqual({ name, api: expected.api });
  if (expected.api !== 201 || sniffed === null) return { outcome: String(api) };

  const product = await harness.createProduct();
  const image = await harness.stageUpload(product, bytes, sniffed);
  const result = await processImage({ imageId: image.id }, harness.deps);
  const outcome = result.outcome === "ready" ? "ready" : result.outcome === "rejected" ? result.reason : result.outcome;
  expect({ name, outcome }).toEqual({ name, outcome: expected.worker });
  if (outcome !== "ready") {
    expect(await harness.objectsOf(image)).toEqual([]);
    return { outcome };
  }

  const served = await harness.storage.getBuffer(image.key, 64 * 1024 * 1024);
  expect(served).not.toBeNull();
  const text = served!.toString("latin1");
  for (const marker of [...markers, ...NEVER_SERVED]) {
    expect({ name, marker, found: text.includes(marker) }).toEqual({ name, marker, found: false });
  }
  expect({ name, metadata: metadataLeft(served!, sniffed) }).toEqual({ name, metadata: [] });
  expect({ name, end: containerEnd(served!, sniffed) }).toEqual({ name, end: served!.length });
  const record = (await harness.repositories.images.find(image.id)) ?? undefined;
  expect(record?.derivatives.length ?? 0).toBeGreaterThan(0);
  return { outcome, ...(record ? { record } : {}) };
}
