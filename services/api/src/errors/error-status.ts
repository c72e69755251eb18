import type { AppErrorCode } from "@ingest/shared";

/** The one table from domain error codes to HTTP statuses. */
export const STATUS_BY_CODE: Readonly<Record<AppErrorCode, number>> = {
  bad_request: 400,
  no_file: 400,
  unauthorized: 401,
  forbidden: 403,
  product_not_found: 404,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  file_too_large: 413,
  unsupported_type: 415,
  body_too_slow: 408,
  image_cap_reached: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  busy: 503,
  dependency_unavailable: 503,
};
