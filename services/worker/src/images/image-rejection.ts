import type { RejectionReason } from "@ingest/shared";

/** The verdict that stored bytes are not an image we accept. Final: rejections never retry. */
export class ImageRejection extends Error {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, detail: string) {
    super(detail);
    this.name = "ImageRejection";
    this.reason = reason;
  }
}
