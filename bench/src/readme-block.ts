import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));

/** Replaces what stands between `<!-- name -->` and `<!-- /name -->` in the root README. */
export function updateReadme(name: string, content: string): void {
  const text = readFileSync(README, "utf8");
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  writeFileSync(README, `${text.slice(0, start + open.length)}\n${content}\n${text.slice(end)}`);
}
