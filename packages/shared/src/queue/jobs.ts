/**
 * The job contracts shared by the API (which enqueues) and the worker (which handles): name,
 * payload type and run-time parser side by side, so both ends agree at compile time and the
 * worker still refuses malformed data at run time.
 */
export const QUEUE_NAMES = ["images", "maintenance", "webhooks"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * The image id is the work; company and product ride along only so that a queue dashboard shows
 * whose image a job is (the handlers read everything else from the ledger). Never a secret.
 */
export interface ImageJobPayload {
  readonly imageId: string;
  readonly companyId?: string;
  readonly productId?: string;
}
export type ProcessImagePayload = ImageJobPayload;
export type DeleteImagePayload = ImageJobPayload;
export type ReconcilePayload = Record<string, never>;
/** One event to one endpoint; a replay carries its own tag so it is a new job, not the finished one. */
export interface DeliverWebhookPayload {
  readonly eventId: string;
  readonly endpointId: string;
  readonly replay?: string;
}
/** Empty to start (or take over a dead) audit; a continuation names its run and chunk. */
export interface AuditPayload {
  readonly runId?: string;
  readonly chunk?: number;
}

export interface JobPayloads {
  "process-image": ProcessImagePayload;
  "delete-image": DeleteImagePayload;
  /** One pass over the open work (staged, processing, removed images): milliseconds at any ledger size. */
  reconcile: ReconcilePayload;
  /** The rare full audit: every ready image against its product, every stored object against the ledger. */
  audit: AuditPayload;
  /** One signed POST of one event to one endpoint, retried with backoff for the retry window. */
  "deliver-webhook": DeliverWebhookPayload;
}
export type JobName = keyof JobPayloads;

/**
 * Which BullMQ queue carries each job. Image work has its own lanes; reconciliation and the audit
 * run on `maintenance`, one job at a time across every worker, so they never hold up an image.
 */
export const QUEUE_OF_JOB: { readonly [N in JobName]: QueueName } = {
  "process-image": "images",
  "delete-image": "images",
  reconcile: "maintenance",
  audit: "maintenance",
  "deliver-webhook": "webhooks",
};

const IMAGE_ID = /^[0-9a-f]{24}$/;
const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;

function parseImagePayload(data: unknown): ImageJobPayload {
  const { imageId, companyId, productId } = (data ?? {}) as { imageId?: unknown; companyId?: unknown; productId?: unknown };
  if (typeof imageId !== "string" || !IMAGE_ID.test(imageId)) throw new PermanentJobError("payload needs an imageId of 24 hex characters");
  // The labels are for people; a malformed one is dropped, never trusted.
  return {
    imageId,
    ...(typeof companyId === "string" && COMPANY_ID.test(companyId) ? { companyId } : {}),
    ...(typeof productId === "string" && IMAGE_ID.test(productId) ? { productId } : {}),
  };
}

/** The payload of an image's job, labelled with whose image it is. */
export function imageJob(image: { readonly id: string; readonly companyId: string; readonly productId: string }): ImageJobPayload {
  return { imageId: image.id, companyId: image.companyId, productId: image.productId };
}

function parseAuditPayload(data: unknown): AuditPayload {
  const { runId, chunk } = (data ?? {}) as { runId?: unknown; chunk?: unknown };
  if (runId === undefined && chunk === undefined) return {};
  if (typeof runId !== "string" || !/^[0-9a-f]{16}$/.test(runId) || !Number.isSafeInteger(chunk) || (chunk as number) < 0) {
    throw new PermanentJobError("an audit continuation needs a runId of 16 hex characters and a chunk number");
  }
  return { runId, chunk: chunk as number };
}

const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;

function parseDeliverPayload(data: unknown): DeliverWebhookPayload {
  const { eventId, endpointId, replay } = (data ?? {}) as { eventId?: unknown; endpointId?: unknown; replay?: unknown };
  if (typeof eventId !== "string" || !WEBHOOK_ID.test(eventId) || typeof endpointId !== "string" || !WEBHOOK_ID.test(endpointId)) {
    throw new PermanentJobError("a webhook delivery needs an eventId and an endpointId");
  }
  if (replay !== undefined && (typeof replay !== "string" || !WEBHOOK_ID.test(replay))) throw new PermanentJobError("a replay tag is a short id");
  return replay === undefined ? { eventId, endpointId } : { eventId, endpointId, replay };
}

export const JOB_PARSERS: { readonly [N in JobName]: (data: unknown) => JobPayloads[N] } = {
  "process-image": parseImagePayload,
  "delete-image": parseImagePayload,
  reconcile: () => ({}),
  audit: parseAuditPayload,
  "deliver-webhook": parseDeliverPayload,
};

/**
 * One job per image and purpose: the id makes a second enqueue of the same work collapse
 * into the first while it is still waiting or running.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string | undefined {
  if (name === "reconcile" || name === "audit") return undefined;
  if (name === "deliver-webhook") {
    const { eventId, endpointId, replay } = payload as DeliverWebhookPayload;
    return `deliver-webhook-${eventId}-${endpointId}${replay ? `-${replay}` : ""}`;
  }
  return `${name}-${(payload as { imageId: string }).imageId}`;
}

/** What a handler may know about its run: which attempt this is (1 on the first). */
export interface JobContext {
  readonly attempt: number;
}
export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context?: JobContext) => Promise<unknown>;
export type JobHandlers = { readonly [N in JobName]: JobHandler<N> };

/** A failure that can never succeed: the job is not retried. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
