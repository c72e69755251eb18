import { AppError } from "@ingest/shared";
import {
  BODY_TOO_SLOW_MESSAGE,
  BUSY_MESSAGE,
  EMPTY_FILE_MESSAGE,
  FILE_TOO_LARGE_MESSAGE,
  IMAGE_CAP_MESSAGE,
  MALFORMED_MULTIPART_MESSAGE,
  NO_FILE_MESSAGE,
  PRODUCT_NOT_FOUND_MESSAGE,
  SECOND_FILE_MESSAGE,
  TOO_MANY_FIELDS_MESSAGE,
  UNSUPPORTED_TYPE_MESSAGE,
} from "./error-messages.ts";

/** Constructors for the errors the upload path throws, so every site uses the same text. */
export const noFile = (): AppError => new AppError("no_file", NO_FILE_MESSAGE);
export const secondFile = (): AppError => new AppError("bad_request", SECOND_FILE_MESSAGE);
export const emptyFile = (): AppError => new AppError("bad_request", EMPTY_FILE_MESSAGE);
export const malformedMultipart = (cause?: unknown): AppError =>
  new AppError("bad_request", MALFORMED_MULTIPART_MESSAGE, { cause });
export const tooManyFields = (): AppError => new AppError("bad_request", TOO_MANY_FIELDS_MESSAGE);
export const fileTooLarge = (): AppError => new AppError("file_too_large", FILE_TOO_LARGE_MESSAGE);
export const unsupportedType = (): AppError => new AppError("unsupported_type", UNSUPPORTED_TYPE_MESSAGE);
export const imageCapReached = (): AppError => new AppError("image_cap_reached", IMAGE_CAP_MESSAGE);
export const productNotFound = (): AppError => new AppError("product_not_found", PRODUCT_NOT_FOUND_MESSAGE);
export const uploadsBusy = (retryAfterSeconds: number): AppError =>
  new AppError("busy", BUSY_MESSAGE, { headers: { "retry-after": String(retryAfterSeconds) } });
export const bodyTooSlow = (): AppError => new AppError("body_too_slow", BODY_TOO_SLOW_MESSAGE);
