import { recordFinding } from "@ingest/provision/testing";
import { type ImageFormat, sniffImageFormat } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImage } from "../../src/jobs/process-image.handler.ts";
import { SECRET } from "../support/image-fixtures.ts";
import { createHarness, type Harness } from "../support/worker-harness.ts";
import { type CorpusFile, corpus } from "./hostile-corpus.ts";
import { HOSTILE_FILES } from "./hostile-files.table.ts";

/**
 * Every row of the hostile-files table, end to end through what decides it: the API's verdict
 * (sniffing the bytes, as the upload path does), then the worker's job on the real database and
 * bucket. A `ready` file's served original must carry no metadata or trailing payload.
 */
const SUITE = "hostile files";
let harness: Harness;
const outcomes: string[] = [];
beforeAll(async () => {
  harness = await createHarness("hostile files");
});
afterAll(async () => {
  recordFinding({ suite: SUITE, tried: `${outcomes.length} generated files (hostile-files.table.ts)`, held: "every row as the table says", ok: outcomes.length === Object.keys(HOSTILE_FILES).length });
  await harness?.close();
});

/** Where the container really ends, or null when it is not one we know. */
function containerEnd(bytes: Buffer, format: ImageFormat): number | null {
  if (format === "webp") return 8 + bytes.readUInt32LE(4);
  if (format === "jpeg") return bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9 ? bytes.length : null;
  const iend = bytes.lastIndexOf(Buffer.from("IEND", "latin1"));
  return iend < 0 ? null : iend + 8;
}

describe(SUITE, () => {
  it.each(Object.entries(HOSTILE_FILES) as [CorpusFile, (typeof HOSTILE_FILES)[CorpusFile]][])("%s", async (name, expected) => {
    const bytes = await corpus[name]();
    const sniffed = bytes.length === 0 ? null : await sniffImageFormat(bytes);
    const api = bytes.length === 0 ? 400 : sniffed === null ? 415 : 201;
    expect({ name, api }).toEqual({ name, api: expected.api });
    if (expected.api !== 201 || sniffed === null) {
      outcomes.push(`${name}: ${api}`);
      return;
    }

    const product = await harness.createProduct();
    const image = await harness.stageUpload(product, bytes, sniffed);
    const result = await processImage({ imageId: image.id }, harness.deps);
    const outcome = result.outcome === "ready" ? "ready" : result.outcome === "rejected" ? result.reason : result.outcome;
    expect({ name, outcome }).toEqual({ name, outcome: expected.worker });
    outcomes.push(`${name}: ${outcome}`);
    if (outcome !== "ready") {
      expect(await harness.objectsOf(image)).toEqual([]);
      return;
    }

    const served = await harness.storage.getBuffer(image.key, 64 * 1024 * 1024);
    expect(served).not.toBeNull();
    const text = served!.toString("latin1");
    for (const marker of [SECRET, "Exif\u0000\u0000", "xmpmeta", "<html", "<script", "PK\u0003\u0004"]) {
      expect({ name, marker, found: text.includes(marker) }).toEqual({ name, marker, found: false });
    }
    expect({ name, end: containerEnd(served!, sniffed) }).toEqual({ name, end: served!.length });
    const record = await harness.repositories.images.find(image.id);
    expect(record?.derivatives.length ?? 0).toBeGreaterThan(0);
  });
});
