import { recordFinding } from "@ingest/provision/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { SECRET } from "../support/image-fixtures.ts";
import { createHarness, type Harness } from "../support/worker-harness.ts";
import { type CorpusFile, corpus } from "./hostile-corpus.ts";
import { HOSTILE_FILES } from "./hostile-files.table.ts";
import { judgeFile } from "./support/file-verdict.ts";

/**
 * Every row of the hostile-files table, end to end through what decides it (the API's verdict,
 * then the worker's job on the real database and bucket, then what is served: see judgeFile).
 * A served original must not carry the corpus's planted secret either.
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

describe(SUITE, () => {
  it.each(Object.entries(HOSTILE_FILES) as [CorpusFile, (typeof HOSTILE_FILES)[CorpusFile]][])("%s", async (name, expected) => {
    const { outcome } = await judgeFile(harness, name, await corpus[name](), expected, [SECRET]);
    outcomes.push(`${name}: ${outcome}`);
  });
});
