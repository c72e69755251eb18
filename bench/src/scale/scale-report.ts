import type { Distribution } from "../measure.ts";
import { round } from "../measure.ts";

export interface SizeFigures {
  readonly images: number;
  readonly getProduct: Distribution;
  readonly getImages: Distribution;
  readonly uploads: Distribution;
  /** 50 uploads at once to one empty product: time until all answered. */
  readonly race: { readonly ms: number; readonly created: number; readonly refused: number };
  readonly reconcileIdle: Distribution;
  readonly reconcileOpen: Distribution;
}

export interface ScaleRun {
  readonly store: "sqlite" | "mongodb";
  readonly description: string;
  readonly sizes: SizeFigures[];
}

export interface Verdict {
  readonly what: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

const P50_GROWTH = 1.2;

/** The targets of the flat-cost issue, on the default store, comparing the largest size with the smallest. */
export function judge(run: ScaleRun | undefined): Verdict[] {
  const small = run?.sizes[0];
  const large = run?.sizes.at(-1);
  if (!run || !small || !large || small === large) return [];
  const growth = (pick: (figures: SizeFigures) => Distribution, what: string): Verdict => {
    const value = round(pick(large).p50 / pick(small).p50);
    return { what: `${what} p50 at ${large.images} ÷ at ${small.images}`, value, target: `≤ ${P50_GROWTH}`, met: value <= P50_GROWTH };
  };
  return [
    growth((f) => f.uploads, "upload"),
    growth((f) => f.getProduct, "GET product"),
    growth((f) => f.getImages, "GET images"),
    { what: `reconcile pass, no open work, at ${large.images} (ms, p50)`, value: round(large.reconcileIdle.p50), target: "≤ 50", met: large.reconcileIdle.p50 <= 50 },
    {
      what: `50-way race answered, at ${large.images} (ms)`,
      value: large.race.ms,
      target: "≤ 5000, 20 × 201 + 30 × 422",
      met: large.race.ms <= 5_000 && large.race.created === 20 && large.race.refused === 30,
    },
  ];
}

/** The tables as Markdown (printed, and put in the README with --update-readme). */
export function formatTables(runs: readonly ScaleRun[], verdicts: readonly Verdict[]): string {
  const lines: string[] = [];
  const out = (line = "") => lines.push(line);
  for (const run of runs) {
    out();
    out(`### ${run.store === "sqlite" ? "SQLite (default store)" : "MongoDB adapter on FerretDB (information only: FerretDB v1 scans)"} — ${run.description}`);
    out();
    out(`| figure (ms) | ${run.sizes.map((size) => `${size.images.toLocaleString("en")} images`).join(" | ")} |`);
    out(`| --- |${run.sizes.map(() => " --- |").join("")}`);
    const row = (label: string, cell: (size: SizeFigures) => string) => out(`| ${label} | ${run.sizes.map(cell).join(" | ")} |`);
    row("upload p50 / p99", (s) => `${round(s.uploads.p50)} / ${round(s.uploads.p99)}`);
    row("GET product p50", (s) => `${round(s.getProduct.p50)}`);
    row("GET …/images p50", (s) => `${round(s.getImages.p50)}`);
    row("50-way race, all answered", (s) => `${s.race.ms} (${s.race.created} × 201, ${s.race.refused} × 422)`);
    row("reconcile pass, no open work (p50)", (s) => `${round(s.reconcileIdle.p50)}`);
    row("reconcile pass, 1,000 open intents (p50)", (s) => `${round(s.reconcileOpen.p50)}`);
  }
  if (verdicts.length === 0) return lines.join("\n");
  out();
  out("### Targets (default store)");
  out();
  out("| what | value | target | met |");
  out("| --- | --- | --- | --- |");
  for (const verdict of verdicts) out(`| ${verdict.what} | ${verdict.value} | ${verdict.target} | ${verdict.met ? "yes" : "**no**"} |`);
  return lines.join("\n");
}
