import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import type { Finding } from "./reliability.ts";
import "./provided-context.ts";

/**
 * Global setup of the reliability project: a fresh report directory (`.data/reliability/`), and
 * at the end a report (`report.md` there, and on stdout) of what every suite tried and what held.
 */
export default function setup(project: TestProject): () => void {
  const reportDir = resolve(project.config.root, ".data/reliability");
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const provided = project.config.provide?.reliability;
  project.provide("reliability", { profile: provided?.profile ?? "ci", soakMs: provided?.soakMs, reportDir });
  return () => {
    const file = join(reportDir, "findings.jsonl");
    const findings: Finding[] = existsSync(file)
      ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Finding)
      : [];
    const lines = [
      `# Reliability report (${provided?.profile ?? "ci"} profile)`,
      "",
      "| suite | tried | held | |",
      "| --- | --- | --- | --- |",
      ...findings.map((f) => `| ${f.suite} | ${f.tried} | ${f.held} | ${f.ok ? "held" : "BROKEN"} |`),
      "",
    ];
    writeFileSync(join(reportDir, "report.md"), lines.join("\n"));
    console.log(`\n${lines.join("\n")}\n(report: ${join(reportDir, "report.md")})`);
  };
}
