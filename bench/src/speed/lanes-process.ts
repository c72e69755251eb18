import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { WORKER_ALLOCATOR_ENV } from "@ingest/provision";

const run = promisify(execFile);
const LANES = fileURLToPath(new URL("./image-lanes.ts", import.meta.url));

export interface LaneFigures {
  readonly images: number;
  readonly wallS: number;
  readonly cpuS: number;
  /** RSS in MiB after every 10 images. */
  readonly rssMiB: number[];
  readonly peakRssMiB: number;
}

/** One image-lanes run in its own process (bounded: 20 minutes at most). */
export async function runLanes(mode: "worker" | "bare", file: string, count: number, concurrency: number, workDir: string): Promise<LaneFigures> {
  const dir = join(workDir, `${mode}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const { stdout } = await run(process.execPath, [LANES, mode, file, String(count), String(concurrency), dir], {
    timeout: 20 * 60_000,
    maxBuffer: 1 << 20,
    env: { PATH: process.env.PATH ?? "", ...WORKER_ALLOCATOR_ENV },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as LaneFigures;
}

/**
 * `vipsthumbnail` (libvips' own CLI, Debian's build) making one 1920 px WebP per image, `lanes`
 * at a time: the nearest single-output work. CPU time is the shell's `times` for its children.
 */
export async function runVipsthumbnail(file: string, count: number, lanes: number, workDir: string): Promise<{ wallS: number; cpuS: number } | null> {
  const found = await run("sh", ["-c", "command -v vipsthumbnail"]).catch(() => null);
  if (!found) return null;
  const out = join(workDir, "vipsthumbnail");
  mkdirSync(out, { recursive: true });
  const perLane = Math.ceil(count / lanes);
  const script = `for l in $(seq ${lanes}); do ( for i in $(seq ${perLane}); do vipsthumbnail "$1" -s 1920 -o "$2/$l-%s.webp[Q=82]" || exit 1; done ) & done; wait; times`;
  const started = performance.now();
  const { stdout } = await run("bash", ["-c", script, "bench", file, out], { timeout: 10 * 60_000 });
  const wallS = (performance.now() - started) / 1000;
  const children = stdout.trim().split("\n").at(-1)!.trim().split(/\s+/);
  const seconds = (text: string) => {
    const [, minutes, secs] = /(\d+)m([\d.]+)s/.exec(text) ?? [];
    return Number(minutes) * 60 + Number(secs);
  };
  return { wallS: (wallS * count) / (perLane * lanes), cpuS: ((seconds(children[0]!) + seconds(children[1]!)) * count) / (perLane * lanes) };
}
