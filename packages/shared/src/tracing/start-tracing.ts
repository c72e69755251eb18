import type { Telemetry } from "bullmq";

/**
 * OpenTelemetry, off by default. When off nothing here is loaded: the SDK, the exporter and
 * bullmq-otel are imported only by startTracing, only when tracing is enabled, so a process
 * without tracing pays nothing at start-up.
 */

/** BullMQ's telemetry hook (bullmq-otel): the queue carries the trace context in each job. */
export type QueueTelemetry = Telemetry;

export interface Tracing {
  readonly queueTelemetry: QueueTelemetry;
  /** The registered tracer provider (for instrumentations that want it handed over). */
  readonly tracerProvider: object;
  /** Flushes spans not yet exported, then stops. */
  shutdown(): Promise<void>;
}

export interface TracingSettings {
  readonly enabled: boolean;
  /** OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. */
  readonly otlpEndpoint: string;
}

export async function startTracing(settings: TracingSettings, serviceName: string): Promise<Tracing | null> {
  if (!settings.enabled) return null;
  const [{ BatchSpanProcessor, NodeTracerProvider }, { OTLPTraceExporter }, { resourceFromAttributes }, { BullMQOtel }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("bullmq-otel"),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${settings.otlpEndpoint.replace(/\/+$/, "")}/v1/traces`, timeoutMillis: 5_000 });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  // Global provider, AsyncLocalStorage context and W3C trace-context propagation.
  provider.register();
  return {
    queueTelemetry: new BullMQOtel(serviceName) as unknown as QueueTelemetry,
    tracerProvider: provider,
    shutdown: () => provider.shutdown(),
  };
}
