import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly sqlite: string;
  readonly platform: string;
  readonly at: string;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine shows here. */
  readonly load: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    sqlite: process.versions.sqlite ?? "unknown",
    platform: `${process.platform} ${process.arch}`,
    at: new Date().toISOString(),
    load: loadavg().map((value) => value.toFixed(1)).join(" "),
  };
}

/**
 * Writes `bench/results/<name>-<timestamp>.json` and `<name>-latest.json`; returns the first.
 * A partial run (some phases only) writes `<name>-partial-<timestamp>.json` alone (git ignores
 * it): `-latest` stays the last complete run.
 */
export function writeResults(name: string, data: unknown, options: { partial?: boolean } = {}): string {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = join(RESULTS, `${name}-${options.partial ? "partial-" : ""}${stamp}.json`);
  const text = `${JSON.stringify(data, null, 2)}\n`;
  writeFileSync(file, text);
  if (!options.partial) writeFileSync(join(RESULTS, `${name}-latest.json`), text);
  return file;
}
