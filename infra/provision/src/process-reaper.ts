import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * Last line of defence against orphans: whatever provisioning started dies with this process,
 * however it ends. `exit` handlers must be synchronous, so this only signals and deletes;
 * the orderly path is `ProvisionedServices.stop()`.
 */
const children = new Map<ChildProcess, NodeJS.Signals>();
const directories = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  // Prepended: a listener that calls process.exit() inside "exit" (vitest has one) ends the
  // process before later listeners run.
  process.prependListener("exit", reapNow);
}

function reapNow(): void {
  for (const [child, signal] of children) signalProcessGroup(child, signal);
  for (const directory of directories) {
    try {
      rmSync(directory, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch {
      // The process is ending; a leftover temp dir is swept by the next run.
    }
  }
}

/** Signals the child's whole process group (it was spawned detached, as its group leader). */
export function signalProcessGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Sends `signal` to the child if this process exits while the child still runs. */
export function reapOnExit(child: ChildProcess, signal: NodeJS.Signals): void {
  install();
  children.set(child, signal);
  child.once("exit", () => children.delete(child));
}

/** Deletes the directory if this process exits before `release` is called. */
export function removeOnExit(directory: string): () => void {
  install();
  directories.add(directory);
  return () => directories.delete(directory);
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs `stop` on SIGINT, SIGTERM or SIGHUP, then raises the signal again so the process ends as
 * it would have without this handler. If something else listens for the signal too (vitest
 * does, and exits on the spot), there is no time for an orderly stop: the servers are killed
 * and their temp dirs removed synchronously instead. Returns a function that removes the handlers.
 */
export function stopOnSignals(stop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    removeHandlers();
    if (process.listenerCount(signal) > 0) {
      reapNow();
      return;
    }
    void stop()
      .catch((error: unknown) => console.error(`[provision] stopping the servers failed: ${String(error)}`))
      .finally(() => process.kill(process.pid, signal));
  };
  const removeHandlers = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  return removeHandlers;
}
