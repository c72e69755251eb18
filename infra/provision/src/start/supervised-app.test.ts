import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { SupervisedApp } from "./supervised-app.ts";

const dir = mkdtempSync(join(tmpdir(), "supervised-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in service: counts its starts in a file, logs one info and one warn line, then exits with `code` unless told to stay. */
function script(name: string, body: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, body);
  return path;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition never held");
    await sleep(20);
  }
}

describe("SupervisedApp", () => {
  it("starts a service that exits on its own again, with growing delays, and says so", async () => {
    const starts = join(dir, "starts.txt");
    writeFileSync(starts, "");
    const path = script("crasher", `import { appendFileSync } from "node:fs"; appendFileSync(${JSON.stringify(starts)}, "x"); process.exit(3);`);
    const said: string[] = [];
    const app = new SupervisedApp(
      { name: "crasher", script: path, cwd: dir, env: { PATH: process.env.PATH ?? "" }, color: 31 },
      { say: (line) => said.push(line), initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 60_000 },
    );
    await until(() => app.restarts >= 4);
    await app.stop(1_000);
    const count = readFileSync(starts, "utf8").length;
    // The fifth start may be stopped before it runs its first line.
    expect(count).toBeGreaterThanOrEqual(4);
    expect(said[0]).toBe("crasher stopped unexpectedly (exit code 3); starting it again in 50 ms");
    expect(said).toContain("crasher stopped unexpectedly (exit code 3); starting it again in 100 ms");
    expect(said).toContain("crasher stopped unexpectedly (exit code 3); starting it again in 200 ms");
    // Capped: never more than maxDelayMs.
    expect(said.filter((line) => line.includes("400 ms"))).toEqual([]);
    expect(said.some((line) => /^crasher started again \(restart 1, pid \d+\)$/.test(line))).toBe(true);
    // Stopped: no more starts.
    await sleep(400);
    expect(readFileSync(starts, "utf8").length).toBe(count);
  });

  it("is not restarted once stopped, and sends info lines to its log only", async () => {
    const path = script(
      "steady",
      `console.log(JSON.stringify({ level: 30, msg: "request completed" })); console.log(JSON.stringify({ level: 40, msg: "slow" })); setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0));`,
    );
    const log = new PassThrough();
    let logged = "";
    log.on("data", (chunk) => {
      logged += chunk;
    });
    const said: string[] = [];
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const app = new SupervisedApp(
        { name: "steady", script: path, cwd: dir, env: { PATH: process.env.PATH ?? "" }, color: 32, log: { stream: log, verbose: false } },
        { say: (line) => said.push(line), initialDelayMs: 10 },
      );
      await until(() => logged.includes('"slow"'));
      await app.stop(2_000);
      await sleep(100);
      expect(app.running).toBe(false);
      expect(app.restarts).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(said).toEqual([]);
    expect(logged).toContain('"request completed"');
    expect(written.join("")).toContain('"slow"');
    expect(written.join("")).not.toContain("request completed");
  });

  it("runs the script with its Node flags", async () => {
    const path = script("flags", `console.log(JSON.stringify({ level: 30, execArgv: process.execArgv })); setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0));`);
    const log = new PassThrough();
    let logged = "";
    log.on("data", (chunk) => {
      logged += chunk;
    });
    const app = new SupervisedApp(
      { name: "flags", script: path, nodeFlags: ["--initial-old-space-size=128", "--stack-size=2000"], cwd: dir, env: { PATH: process.env.PATH ?? "" }, color: 33, log: { stream: log, verbose: false } },
      { say: () => {}, initialDelayMs: 10 },
    );
    try {
      await until(() => logged.includes("execArgv"));
    } finally {
      await app.stop(2_000);
    }
    const line = JSON.parse(logged.split("\n").find((text) => text.includes("execArgv"))!) as { execArgv: string[] };
    expect(line.execArgv).toEqual(["--initial-old-space-size=128", "--stack-size=2000"]);
  });
});
