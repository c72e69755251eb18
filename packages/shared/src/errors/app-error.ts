/**
 * Every failure the domain knows about. Domain code throws an AppError with a code; the API's
 * error handler maps codes to HTTP statuses in one table, and the worker maps them to
 * "retry" or "never retry". Messages are safe to show to the caller.
 */
export type AppErrorCode =
  | "bad_request"
  | "no_file"
  | "unauthorized"
  | "forbidden"
  | "product_not_found"
  | "not_found"
  | "file_too_large"
  | "unsupported_type"
  | "image_cap_reached"
  | "idempotency_key_reused"
  | "precondition_failed"
  | "conflict"
  | "body_too_slow"
  | "busy"
  | "rate_limited"
  | "dependency_unavailable";

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Extra response headers (e.g. Retry-After) for the API to send. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: AppErrorCode, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
