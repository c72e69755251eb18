import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stackFileContent, writeStackFile } from "./stack-file.ts";

const dir = mkdtempSync(join(tmpdir(), "stack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the stack file", () => {
  it("holds the service variables only, with paths made absolute", () => {
    const content = stackFileContent({
      root: "/repo",
      apiUrl: "http://127.0.0.1:3000",
      workerUrl: "http://127.0.0.1:3001",
      env: { MONGO_URL: "mongodb://x", FS_STORAGE_DIR: ".data/objects", SQLITE_PATH: "/abs/db.sqlite", S3_SECRET_ACCESS_KEY: "s3cret", HOME: "/root", QUEUE_PREFIX: "" },
    });
    expect(content).toMatchObject({ version: 1, pid: process.pid, apiUrl: "http://127.0.0.1:3000", workerUrl: "http://127.0.0.1:3001" });
    expect(content.env).toEqual({ MONGO_URL: "mongodb://x", FS_STORAGE_DIR: "/repo/.data/objects", SQLITE_PATH: "/abs/db.sqlite", S3_SECRET_ACCESS_KEY: "s3cret" });
  });

  it("is readable by its owner only (it holds the local object store's keys)", () => {
    const file = join(dir, "stack.json");
    writeStackFile(file, stackFileContent({ root: "/", apiUrl: "a", workerUrl: "w", env: { REDIS_URL: "redis://x" } }));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).env).toEqual({ REDIS_URL: "redis://x" });
  });
});
