import type { SpooledBody } from "../http/upload-spool.ts";

/** The one file of an upload, fully received (in a spool file) and within the size limit. */
export interface ReceivedFile {
  /** Its size, first bytes and (when asked for) sha256; the receiver of a ReceivedFile must discard it. */
  readonly body: SpooledBody;
  /** The part's declared media type, lower-cased, without parameters. */
  readonly declaredType: string;
}

export interface ReadFileOptions {
  readonly maxBytes: number;
  /** Where the body is written as it arrives. */
  readonly spoolDir: string;
  /** Hash the body as it arrives (for an Idempotency-Key's fingerprint). */
  readonly sha256: boolean;
  /** Checked as soon as the part starts, so a refused type is not read at all. */
  readonly acceptsDeclaredType: (type: string) => boolean;
}

/** The HTTP side of an upload, seen by the upload service without knowing Fastify. */
export interface UploadSource {
  readonly isMultipart: boolean;
  /** Content-Length of the whole body, when the client declared one. */
  readonly declaredLength: number | null;
  /** Streams the single `file` part; throws the contract's AppErrors (400, 413, 415). */
  readFile(options: ReadFileOptions): Promise<ReceivedFile>;
}
