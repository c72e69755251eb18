import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = await mkdtemp(join(tmpdir(), "create-storage-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `code` in a fresh Node process and returns every module URL it resolved. */
function modulesLoadedBy(code: string): string[] {
  const hook = `import { registerHooks } from "node:module";
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); process.stdout.write(r.url + "\\n"); return r; } });`;
  const out = execFileSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(hook)}`, "--input-type=module", "-e", code], {
    cwd: import.meta.dirname,
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

describe("createStorage", () => {
  it("loads the AWS SDK only for the s3 driver (the folder store's processes never carry it)", () => {
    const setup = `import { createStorage } from "@ingest/shared"; import { parseConfig } from "@ingest/shared";`;
    const fs = modulesLoadedBy(`${setup} const s = await createStorage(parseConfig({ STORAGE_DRIVER: "fs", FS_STORAGE_DIR: ${JSON.stringify(dir)} }).storage); process.stdout.write(typeof s.put + "\\n");`);
    expect(fs).toContain("function");
    expect(fs.filter((url) => url.includes("@aws-sdk"))).toEqual([]);
    const s3 = modulesLoadedBy(`${setup} const s = await createStorage(parseConfig({ STORAGE_DRIVER: "s3", S3_ENDPOINT: "http://127.0.0.1:9", S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }).storage); process.stdout.write(typeof s.put + "\\n");`);
    expect(s3).toContain("function");
    expect(s3.some((url) => url.includes("@aws-sdk/client-s3"))).toBe(true);
  });
});
