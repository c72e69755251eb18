import { describe, expect, it } from "vitest";
import { dashboardMetricNames, exportedSeriesNames } from "../../../../infra/grafana/dashboard-metric-names.ts";
import { createWorkerMetrics, WORKER_METRIC_NAMES } from "./metrics.ts";

describe("worker metrics", () => {
  it("export every ingest_worker_* and ingest_pipeline_* name the Grafana dashboard uses", async () => {
    const metrics = createWorkerMetrics({ queueStats: async () => [] });
    const exported = exportedSeriesNames(await metrics.registry.getMetricsAsJSON());
    const used = dashboardMetricNames().filter((name) => /^ingest_(worker|pipeline)_/.test(name));
    expect(used.length).toBeGreaterThanOrEqual(Object.keys(WORKER_METRIC_NAMES).length);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it("a ready image counts its verdict, its derivative bytes and its pipeline time", async () => {
    const metrics = createWorkerMetrics({ queueStats: async () => [] });
    metrics.observeJob("process-image", "completed", 0.5, {
      outcome: "ready",
      derivatives: 2,
      format: "png",
      sinceUploadMs: 1_500,
      derivativeBytes: { webp: 1000, avif: 500 },
    });
    metrics.observeJob("process-image", "failed", 0.1, undefined);
    const text = await metrics.registry.metrics();
    expect(text).toContain('ingest_worker_images_total{outcome="ready",reason="none",format="png"} 1');
    expect(text).toContain('ingest_worker_derivative_bytes_total{format="webp"} 1000');
    expect(text).toContain('ingest_worker_derivative_bytes_total{format="avif"} 500');
    expect(text).toContain('ingest_pipeline_seconds_bucket{le="2",format="png",outcome="ready"} 1');
    expect(text).toContain('ingest_pipeline_seconds_bucket{le="1",format="png",outcome="ready"} 0');
    expect(text).toContain('ingest_worker_jobs_total{queue="images",name="process-image",outcome="failed"} 1');
  });
});
