import type { FastifyInstance } from "fastify";

/**
 * On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close connections; if that
 * takes longer than `timeoutMs`, exit anyway. A second signal exits at once.
 */
export function closeOnSignals(app: FastifyInstance, timeoutMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      app.log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal, timeoutMs }, "shutting down: finishing in-flight requests");
    const timer = setTimeout(() => {
      app.log.error({ timeoutMs }, "shutdown timed out; exiting with requests still in flight");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => {
        app.log.info("shut down cleanly");
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
