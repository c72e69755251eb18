import type { ImageRecord, ImageRepository, Storage } from "@ingest/shared";
import type { WorkerLog } from "../worker-log.ts";

export interface SweepDeps {
  readonly images: ImageRepository;
  readonly storage: Storage;
  readonly settings: { readonly stagedGraceMs: number };
  readonly log: WorkerLog;
}

export interface SweepOptions {
  readonly dryRun?: boolean;
  readonly now?: Date;
  /** Resume after this key (the `lastKey` of an earlier, unfinished sweep). Default: from the start. */
  readonly startAfter?: string;
  /** Stop after this many objects; the report then says `done: false`. Default: no limit. */
  readonly limit?: number;
}

export type SweepReason =
  /** no image record, or a record for another product */
  | "orphan"
  /** the image was rejected, removed or deleted */
  | "dropped-image"
  /** a derivative the ready image's record does not list (an older width setting, a lost run) */
  | "stale-derivative";

export interface SweepReport {
  readonly dryRun: boolean;
  readonly scanned: number;
  readonly kept: number;
  readonly deleted: { readonly key: string; readonly reason: SweepReason }[];
  /** Keys that do not follow the image layout; never deleted, only counted. */
  readonly unrecognised: number;
  /** The last key looked at, where a sweep that stopped at its limit resumes. */
  readonly lastKey: string | null;
  /** False when the sweep stopped at its limit before the end of the listing. */
  readonly done: boolean;
}

/** `<companyId>/products/<productId>/images/<imageId>.<ext>` or `.../images/<imageId>/<derivative>` */
const IMAGE_KEY = /^([^/]+)\/products\/([^/]+)\/images\/([0-9a-f]{24})(\.[A-Za-z0-9]+|\/[^/]+)$/;
const DELETE_BATCH = 500;
const CACHE_LIMIT = 10_000;

/**
 * The storage half of the full audit: lists the whole bucket (under this deployment's key prefix) and
 * deletes every object no live image record accounts for. Routine reconciliation never needs
 * it; it is for audits and for recovering from bugs. Objects younger than the staging grace
 * period are left alone, so an upload in flight is never swept.
 */
export async function sweepStorage(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const dryRun = options.dryRun ?? false;
  const youngAfter = (options.now ?? new Date()).getTime() - deps.settings.stagedGraceMs;
  const report: { -readonly [K in keyof SweepReport]: SweepReport[K] } = {
    dryRun,
    scanned: 0,
    kept: 0,
    deleted: [],
    unrecognised: 0,
    lastKey: options.startAfter ?? null,
    done: true,
  };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const records = new Map<string, ImageRecord | null>();
  let pending: string[] = [];

  const flush = async () => {
    if (!dryRun && pending.length > 0) await deps.storage.delete(pending);
    pending = [];
  };

  for await (const object of deps.storage.list("", options.startAfter === undefined ? {} : { startAfter: options.startAfter })) {
    if (report.scanned >= limit) {
      report.done = false;
      break;
    }
    report.scanned += 1;
    report.lastKey = object.key;
    const match = IMAGE_KEY.exec(object.key);
    if (!match) {
      report.unrecognised += 1;
      continue;
    }
    if (object.lastModified.getTime() > youngAfter) {
      report.kept += 1;
      continue;
    }
    const [, companyId, productId, imageId] = match as unknown as [string, string, string, string];
    if (records.size > CACHE_LIMIT) records.clear();
    if (!records.has(imageId)) records.set(imageId, await deps.images.find(imageId));
    const reason = verdict(object.key, records.get(imageId) ?? null, companyId, productId);
    if (reason === null) {
      report.kept += 1;
      continue;
    }
    report.deleted.push({ key: object.key, reason });
    pending.push(object.key);
    if (pending.length >= DELETE_BATCH) await flush();
  }
  await flush();
  deps.log.info({ dryRun, scanned: report.scanned, deleted: report.deleted.length, unrecognised: report.unrecognised }, "storage swept");
  return report;
}

function verdict(key: string, image: ImageRecord | null, companyId: string, productId: string): SweepReason | null {
  if (!image || image.companyId !== companyId || image.productId !== productId) return "orphan";
  switch (image.status) {
    case "staged":
    case "processing":
      return null; // their own lifecycle finishes them
    case "ready":
      return key === image.key || image.derivatives.some((derivative) => derivative.key === key) ? null : "stale-derivative";
    default:
      return "dropped-image";
  }
}
