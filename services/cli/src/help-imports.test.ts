import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
/** Prints every module URL the process resolves, on stderr, as it exits. */
const TRACE = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from "node:module";
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.add(result.url); return result; } });
process.on("exit", () => process.stderr.write("\\nLOADED " + JSON.stringify([...seen]) + "\\n"));
`)}`;

function loadedBy(...args: string[]): Promise<{ code: number; stdout: string; modules: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", TRACE, MAIN, ...args], { env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) => {
      const line = stderr.split("\n").find((text) => text.startsWith("LOADED "));
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, modules: line ? (JSON.parse(line.slice(7)) as string[]) : [] });
    });
  });
}

// Start-up time is what a user feels (under 300 ms for --help on an idle machine); the test
// checks its cause, which does not depend on the machine's load: no I/O library is loaded.
const IO_LIBRARIES = ["/mongodb/", "/bullmq/", "/ioredis/", "/@aws-sdk/", "/file-type/", "/sharp/", "/pino/", "services/worker/"];

describe("pnpm cli --help", () => {
  it.each([["--help"], ["keys", "--help"], ["reprocess", "--help"], ["queues", "retry", "--help"]])("%s loads commander and the command modules only", async (...args) => {
    const { code, stdout, modules } = await loadedBy(...args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pnpm cli/);
    expect(modules.some((url) => url.includes("/commander/"))).toBe(true);
    expect(modules.filter((url) => IO_LIBRARIES.some((library) => url.includes(library)))).toEqual([]);
  });
});
