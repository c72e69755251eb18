import { describe, expect, it } from "vitest";
import { startTracing } from "./start-tracing.ts";

describe("startTracing", () => {
  it("is a no-op when tracing is off (nothing of OpenTelemetry is imported)", async () => {
    expect(await startTracing({ enabled: false, otlpEndpoint: "http://127.0.0.1:1" }, "test")).toBeNull();
  });
});
