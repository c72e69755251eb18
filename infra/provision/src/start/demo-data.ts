import { spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";

export interface DemoData {
  companyId: string;
  apiKey: string;
  productId: string;
}

interface Marker {
  /** Which data the demo was created in: a different database means a new demo is needed. */
  fingerprint: string;
  demo: DemoData;
}

/** The demo created by an earlier run in the same data, if any. */
export function readDemoMarker(file: string, fingerprint: string): DemoData | undefined {
  try {
    const marker = JSON.parse(readFileSync(file, "utf8")) as Marker;
    return marker.fingerprint === fingerprint ? marker.demo : undefined;
  } catch {
    return undefined;
  }
}

export function writeDemoMarker(file: string, fingerprint: string, demo: DemoData): void {
  writeFileSync(file, `${JSON.stringify({ fingerprint, demo } satisfies Marker, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // it holds an API key
}

/** Runs `cli demo --json`; the command prints one JSON object with the demo's ids and key. */
export async function createDemoData(options: { script: string; cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<DemoData> {
  if (!existsSync(options.script)) throw new Error(`${options.script} does not exist, so there is no "demo" command to run`);
  const child = spawn(process.execPath, [options.script, "demo", "--json"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMs,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const outcome = await new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("close", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  const demo = stdout
    .split("\n")
    .reverse()
    .map(parseDemo)
    .find((parsed) => parsed !== undefined);
  if (outcome !== "exit code 0" || !demo) {
    const output = (stderr || stdout).trim().split("\n").slice(-8).join("\n");
    throw new Error(`"cli demo --json" failed (${outcome})${output ? `:\n${output}` : ""}`);
  }
  return demo;
}

function parseDemo(line: string): DemoData | undefined {
  try {
    const value = JSON.parse(line) as Partial<DemoData>;
    if (typeof value.companyId === "string" && typeof value.apiKey === "string" && typeof value.productId === "string") {
      return { companyId: value.companyId, apiKey: value.apiKey, productId: value.productId };
    }
  } catch {
    // Not the JSON line.
  }
  return undefined;
}
