import { describe, expect, it } from "vitest";
import { dashboardMetricNames, exportedSeriesNames } from "../../../../infra/grafana/dashboard-metric-names.ts";
import { API_METRIC_NAMES, createApiMetrics } from "./metrics.ts";

describe("API metrics", () => {
  it("export every ingest_api_* name the Grafana dashboard uses", async () => {
    const exported = exportedSeriesNames(await createApiMetrics({ uploadsInFlight: () => 0 }).registry.getMetricsAsJSON());
    const used = dashboardMetricNames().filter((name) => name.startsWith("ingest_api_"));
    expect(used.length).toBeGreaterThanOrEqual(Object.keys(API_METRIC_NAMES).length);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it("the dashboard uses no name outside the two services' prefixes", () => {
    expect(dashboardMetricNames().filter((name) => !/^ingest_(api|worker|pipeline)_/.test(name))).toEqual([]);
  });
});
