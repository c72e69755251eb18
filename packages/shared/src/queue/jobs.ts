/**
 * The job contracts shared by the API (which enqueues) and the worker (which handles): name,
 * payload type and run-time parser side by side, so both ends agree at compile time and the
 * worker still refuses malformed data at run time.
 */
export const QUEUE_NAME = "images";
/** Every queue, for the dashboard and the queue metrics: a queue missing here is invisible to operators. */
export const QUEUE_NAMES = [QUEUE_NAME] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface ProcessImagePayload {
  readonly imageId: string;
}
export interface DeleteImagePayload {
  readonly imageId: string;
}
export type ReconcilePayload = Record<string, never>;

export interface JobPayloads {
  "process-image": ProcessImagePayload;
  "delete-image": DeleteImagePayload;
  reconcile: ReconcilePayload;
}
export type JobName = keyof JobPayloads;

/** The queue each job name lives on (metrics label jobs by it). */
export const QUEUE_OF_JOB: { readonly [N in JobName]: QueueName } = {
  "process-image": QUEUE_NAME,
  "delete-image": QUEUE_NAME,
  reconcile: QUEUE_NAME,
};

const IMAGE_ID = /^[0-9a-f]{24}$/;

function parseImagePayload(data: unknown): { imageId: string } {
  const imageId = (data as { imageId?: unknown } | null)?.imageId;
  if (typeof imageId !== "string" || !IMAGE_ID.test(imageId)) throw new PermanentJobError("payload needs an imageId of 24 hex characters");
  return { imageId };
}

export const JOB_PARSERS: { readonly [N in JobName]: (data: unknown) => JobPayloads[N] } = {
  "process-image": parseImagePayload,
  "delete-image": parseImagePayload,
  reconcile: () => ({}),
};

/**
 * One job per image and purpose: the id makes a second enqueue of the same work collapse
 * into the first while it is still waiting or running.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string | undefined {
  if (name === "reconcile") return undefined;
  return `${name}-${(payload as { imageId: string }).imageId}`;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N]) => Promise<unknown>;
export type JobHandlers = { readonly [N in JobName]: JobHandler<N> };

/** A failure that can never succeed: the job is not retried. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
