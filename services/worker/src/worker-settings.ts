import type { Config } from "@ingest/shared";
import type { DerivativeSettings } from "./images/image-objects.ts";
import type { WebhookSettings } from "./webhooks/webhook-settings.ts";

export type WorkerSettings = DerivativeSettings & { readonly imageTimeoutSeconds: number; readonly stagedGraceMs: number; readonly webhooks: WebhookSettings };

/** The slice of the config the job handlers and reconciliation read; one mapping for every caller. */
export function workerSettingsFrom(config: Config): WorkerSettings {
  return {
    derivativeWidths: config.worker.derivativeWidths,
    derivativeFormats: config.worker.derivativeFormats,
    imageTimeoutSeconds: config.worker.imageTimeoutSeconds,
    stagedGraceMs: config.worker.stagedGraceMs,
    webhooks: { ...config.callers.webhooks, publicBaseUrl: config.publicBaseUrl },
  };
}
