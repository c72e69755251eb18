import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";

/** Sockets where Docker, rootless Docker, Podman, Colima and Rancher Desktop usually listen. */
function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || homedir();
  const runtime = env.XDG_RUNTIME_DIR;
  return [
    "/var/run/docker.sock",
    ...(runtime ? [join(runtime, "docker.sock"), join(runtime, "podman", "podman.sock")] : []),
    join(home, ".docker", "run", "docker.sock"),
    join(home, ".docker", "desktop", "docker.sock"),
    join(home, ".colima", "default", "docker.sock"),
    join(home, ".rd", "docker.sock"),
  ];
}

/** GET /_ping on a Docker-API endpoint; true only for a prompt 200. */
function ping(target: { socketPath: string } | { host: string; port: number }, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const req = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/**
 * The Docker host of a container engine that answers right now, or undefined. Quick by design:
 * only sockets that exist are pinged, each with a short timeout, so a machine without an engine
 * (where `docker --version` may still answer) decides in milliseconds.
 */
export async function findContainerEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_500): Promise<string | undefined> {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    if (dockerHost.startsWith("unix://")) {
      const socketPath = dockerHost.slice("unix://".length);
      return existsSync(socketPath) && (await ping({ socketPath }, timeoutMs)) ? dockerHost : undefined;
    }
    const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
    // A TLS-protected engine needs client certificates to ping; trust the explicit setting.
    if (env.DOCKER_TLS_VERIFY === "1") return dockerHost;
    return (await ping({ host: url.hostname, port: Number(url.port || 2375) }, timeoutMs)) ? dockerHost : undefined;
  }
  const sockets = candidateSockets(env).filter((socketPath) => existsSync(socketPath));
  const answers = await Promise.all(sockets.map((socketPath) => ping({ socketPath }, timeoutMs)));
  const index = answers.indexOf(true);
  return index === -1 ? undefined : `unix://${sockets[index]}`;
}
