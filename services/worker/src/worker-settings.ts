import type { Config } from "@ingest/shared";
import type { DerivativeSettings } from "./images/image-objects.ts";

export type WorkerSettings = DerivativeSettings & { readonly imageTimeoutSeconds: number; readonly stagedGraceMs: number };

/** The slice of the config the job handlers and reconciliation read; one mapping for every caller. */
export function workerSettingsFrom(config: Config): WorkerSettings {
  return {
    derivativeWidths: config.worker.derivativeWidths,
    derivativeFormats: config.worker.derivativeFormats,
    imageTimeoutSeconds: config.worker.imageTimeoutSeconds,
    stagedGraceMs: config.worker.stagedGraceMs,
  };
}
