import { readFileSync } from "node:fs";

/** Every metric name the Grafana dashboard's queries use (infra/grafana/image-ingest.dashboard.json). */
export function dashboardMetricNames(): string[] {
  const dashboard = readFileSync(new URL("./image-ingest.dashboard.json", import.meta.url), "utf8");
  const expressions = [...dashboard.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? "");
  return [...new Set(expressions.flatMap((expr) => expr.match(/\bingest_[a-z0-9_]+/g) ?? []))].sort();
}

/** The series names a prom-client registry exports: histograms as _bucket, _sum and _count. */
export function exportedSeriesNames(metrics: readonly { name: string; type: unknown }[]): Set<string> {
  return new Set(metrics.flatMap(({ name, type }) => (String(type) === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
}
