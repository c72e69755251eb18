import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import "./provided-context.ts";

/**
 * How hard `test:reliability` pushes. `full` is the standalone run (`pnpm test:reliability`);
 * `ci` is the shortened subset that runs inside `pnpm test` (well under two minutes on two cores).
 * Every loop in the suite is bounded by these numbers, never by "until it breaks".
 */
export interface ReliabilityProfile {
  readonly name: "full" | "ci";
  /** fast-check runs per HTTP property. */
  readonly fuzzRuns: number;
  /** Offsets at which a valid upload body is cut off. */
  readonly cutOffsets: number;
  /** Uploads sent during the fault run, and how many at once. */
  readonly faultUploads: number;
  readonly faultConcurrency: number;
  /** Steady-rate soak: duration and uploads per second. */
  readonly soakMs: number;
  readonly soakRatePerSecond: number;
}

const PROFILES: Readonly<Record<ReliabilityProfile["name"], ReliabilityProfile>> = {
  // The soak runs below the worker's capacity on two shared cores: it measures a steady state, not a backlog.
  full: { name: "full", fuzzRuns: 300, cutOffsets: 400, faultUploads: 600, faultConcurrency: 8, soakMs: 10 * 60_000, soakRatePerSecond: 2 },
  ci: { name: "ci", fuzzRuns: 25, cutOffsets: 40, faultUploads: 60, faultConcurrency: 4, soakMs: 15_000, soakRatePerSecond: 3 },
};

export function reliabilityProfile(): ReliabilityProfile {
  const provided = inject("reliability");
  const base = PROFILES[provided?.profile ?? "ci"];
  return provided?.soakMs ? { ...base, soakMs: provided.soakMs } : base;
}

/** One line of the run's report: what a suite tried, and what held (or did not). */
export interface Finding {
  readonly suite: string;
  readonly tried: string;
  readonly held: string;
  readonly ok: boolean;
}

/** Appends a finding to the run's report; the reliability global setup prints it at the end. */
export function recordFinding(finding: Finding): void {
  const dir = inject("reliability")?.reportDir;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, "findings.jsonl"), `${JSON.stringify(finding)}\n`);
}
