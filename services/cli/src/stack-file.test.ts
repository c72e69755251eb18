import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStackFile } from "./stack-file.ts";

const dir = mkdtempSync(join(tmpdir(), "stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("readStackFile", () => {
  it("is undefined when there is no file (a production host)", () => {
    expect(readStackFile(join(dir, "missing.json"))).toBeUndefined();
  });

  it("reads version 1 and tells whether its pnpm start still runs", () => {
    const live = readStackFile(file("live.json", JSON.stringify({ version: 1, pid: process.pid, apiUrl: "http://127.0.0.1:3000", env: { REDIS_URL: "redis://x" } })));
    expect(live).toMatchObject({ pid: process.pid, running: true, apiUrl: "http://127.0.0.1:3000", env: { REDIS_URL: "redis://x" } });
    // Pid 2^22 + 1 is above Linux's pid_max: never a live process.
    expect(readStackFile(file("dead.json", JSON.stringify({ version: 1, pid: 4_194_305, env: {} })))?.running).toBe(false);
  });

  it("refuses what it does not understand, saying what to do", () => {
    expect(() => readStackFile(file("junk.json", "nope"))).toThrow(/not JSON; delete it/);
    expect(() => readStackFile(file("v2.json", JSON.stringify({ version: 2, env: {} })))).toThrow(/version 1/);
    expect(() => readStackFile(file("typed.json", JSON.stringify({ version: 1, env: { API_PORT: 3000 } })))).toThrow(/version 1/);
  });
});
