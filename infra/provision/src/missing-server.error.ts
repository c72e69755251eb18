export const INSTALL_COMMAND = "bash infra/local/install-services.sh";

/** No env settings, no container engine, and some local server binaries are not installed. */
export class MissingServerError extends Error {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(
      `Cannot provision the servers: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed, ` +
        "no container engine answers, and MONGO_URL/REDIS_URL/S3_ENDPOINT are not set. " +
        `Install the local servers with: ${INSTALL_COMMAND}`,
    );
    this.name = "MissingServerError";
    this.missing = missing;
  }
}
