import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { recordFinding } from "@ingest/provision/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../support/worker-harness.ts";
import { CONFORMANCE_FILES } from "./conformance-files.table.ts";
import { judgeFile } from "./support/file-verdict.ts";

/**
 * Every row of the conformance table, through the same end-to-end path as the hostile files
 * (judgeFile), on the vendored copies of test images that other projects ship. Before that:
 * the folder holds exactly the table's files, byte for byte as SHA256SUMS recorded them when
 * fetch-conformance.ts took them out of their packages.
 */
const SUITE = "conformance files";
const FOLDER = join(import.meta.dirname, "conformance");
let harness: Harness;
const outcomes: string[] = [];
beforeAll(async () => {
  harness = await createHarness("conformance files");
});
afterAll(async () => {
  const counts = Object.entries(Object.groupBy(outcomes, (outcome) => outcome)).map(([outcome, all]) => `${all?.length} ${outcome}`);
  recordFinding({
    suite: SUITE,
    tried: `${outcomes.length} test images from Debian and npm packages (conformance-files.table.ts)`,
    held: `every row as the table says (${counts.join(", ")})`,
    ok: outcomes.length === Object.keys(CONFORMANCE_FILES).length,
  });
  await harness?.close();
});

describe(SUITE, () => {
  it("the vendored files are the table's, as SHA256SUMS recorded them", () => {
    const recorded = new Map(
      readFileSync(join(FOLDER, "SHA256SUMS"), "utf8")
        .trim()
        .split("\n")
        .map((line) => [line.slice(66), line.slice(0, 64)] as const),
    );
    const vendored = readdirSync(FOLDER, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.parentPath !== FOLDER)
      .map((entry) => join(entry.parentPath, entry.name).slice(FOLDER.length + 1));
    expect(vendored.sort()).toEqual(Object.keys(CONFORMANCE_FILES).sort());
    expect([...recorded.keys()].sort()).toEqual(Object.keys(CONFORMANCE_FILES).sort());
    for (const key of vendored) {
      expect({ key, sha256: createHash("sha256").update(readFileSync(join(FOLDER, key))).digest("hex") }).toEqual({ key, sha256: recorded.get(key) });
    }
  });

  it.each(Object.entries(CONFORMANCE_FILES))("%s", async (key, row) => {
    const { outcome, record } = await judgeFile(harness, key, readFileSync(join(FOLDER, key)), row);
    if (row.upright) expect({ key, width: record?.width, height: record?.height }).toEqual({ key, ...row.upright });
    outcomes.push(outcome);
  });
});
