import type { ServerProcess } from "./server-process.ts";
import type { ManagedServer } from "./service-settings.ts";

/** A local server process as a ManagedServer: same port on every start. */
export function manageProcess(name: ManagedServer["name"], server: ServerProcess, port: number): ManagedServer {
  return {
    name,
    restartable: true,
    describe: () => `${server.name} ${server.pid === undefined ? "(stopped)" : `pid ${server.pid}`} on 127.0.0.1:${port}`,
    start: () => server.start(),
    stop: () => server.stop(),
    onUnexpectedExit: (listener) => server.onUnexpectedExit(listener),
    pause: () => server.pause(),
    resume: () => server.resume(),
    kill: () => server.kill(),
  };
}
