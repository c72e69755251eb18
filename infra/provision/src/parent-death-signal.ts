import { spawnSync } from "node:child_process";

let parentDeathSupported: boolean | undefined;

/**
 * Wraps the command in util-linux's `setpriv --pdeathsig`, which asks the kernel to signal the
 * server when its parent dies, even by SIGKILL, when no exit handler runs. Without setpriv
 * (not Linux), the exit and signal handlers are all there is.
 */
export function withParentDeathSignal(command: string, args: readonly string[], signal: NodeJS.Signals): [string, string[]] {
  parentDeathSupported ??=
    process.platform === "linux" && spawnSync("setpriv", ["--pdeathsig", "TERM", "--", "true"], { stdio: "ignore" }).status === 0;
  if (!parentDeathSupported) return [command, [...args]];
  return ["setpriv", ["--pdeathsig", signal.replace(/^SIG/, ""), "--", command, ...args]];
}
