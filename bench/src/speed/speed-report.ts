/** One line of `pnpm bench`: a figure of ours, its baseline from the same run, and their ratio. */
export interface Row {
  readonly id: string;
  readonly what: string;
  readonly service: Record<string, unknown>;
  readonly baseline: ({ readonly what: string } & Record<string, unknown>) | null;
  /** service / baseline, oriented so that 1 means "as fast as the baseline" (or, lowerIsBetter, a growth). */
  readonly ratio: number | null;
  readonly target: number | null;
  readonly lowerIsBetter?: boolean;
  readonly note?: string;
}

export function met(row: Row): boolean | null {
  if (row.target === null || row.ratio === null) return null;
  return row.lowerIsBetter ? row.ratio <= row.target : row.ratio >= row.target;
}

const show = (figures: Record<string, unknown> | null): string =>
  figures === null
    ? "—"
    : Object.entries(figures)
        .filter(([key]) => key !== "what" && !Array.isArray(figures[key]))
        .map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
        .join(", ");

/** A Markdown table, as written into the README. */
export function formatTable(rows: readonly Row[]): string {
  const lines = ["| # | what | service | baseline in the same run | ratio | target | met |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const row of rows) {
    const verdict = met(row);
    const target = row.target === null ? "—" : `${row.lowerIsBetter ? "≤" : "≥"} ${row.target}`;
    const baseline = row.baseline ? `${row.baseline.what}: ${show(row.baseline)}` : "—";
    lines.push(`| ${row.id} | ${row.what} | ${show(row.service)}${row.note ? ` (${row.note})` : ""} | ${baseline} | ${row.ratio ?? "—"} | ${target} | ${verdict === null ? "—" : verdict ? "yes" : "**no**"} |`);
  }
  return lines.join("\n");
}
