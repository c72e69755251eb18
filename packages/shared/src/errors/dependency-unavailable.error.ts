/** The dependencies a request can wait on. */
export type Dependency = "storage" | "database" | "redis";

/**
 * A dependency did not answer in time or could not be reached: nothing is known to be wrong with
 * the request, so the API answers 503 with Retry-After and the worker retries the job. The
 * message names the dependency only; the driver's error is kept as the cause, for the log.
 */
export class DependencyUnavailableError extends Error {
  readonly dependency: Dependency;

  constructor(dependency: Dependency, cause?: unknown) {
    super(`${dependency} did not answer`, cause === undefined ? undefined : { cause });
    this.name = "DependencyUnavailableError";
    this.dependency = dependency;
  }
}

export function isDependencyUnavailable(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError;
}
