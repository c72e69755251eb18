import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, readdirSync, rmSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { SNIFF_BYTES } from "@ingest/shared";

/**
 * An upload's body on its way to storage: written to a file as it arrives, so the API holds no
 * body in memory, only the first bytes (for sniffing) and a running sha256. The file is the
 * caller's to discard on every path; a crash leaves it to the sweep at the next start.
 */
export interface SpooledBody {
  readonly path: string;
  readonly size: number;
  /** The first SNIFF_BYTES bytes (fewer for a smaller file). */
  readonly head: Buffer;
  /** The body's sha256 (hex) when the spool was asked for it (an Idempotency-Key's fingerprint), else null. */
  readonly sha256: string | null;
  /** Told by the storage that took the file away (renamed it into place): discard has nothing to do. */
  moved(): void;
  discard(): Promise<void>;
}

export interface SpoolWriter {
  /** Writes a chunk; null when the file takes more at once, else a promise of when it can. */
  write(chunk: Buffer): Promise<void> | null;
  finish(): Promise<SpooledBody>;
  /** Closes and deletes the file; safe to call at any point, more than once. */
  abort(): Promise<void>;
}

/**
 * The body's chunks are gathered up to this many bytes and written with one call: busboy hands
 * over dozens of small chunks a megabyte, and each write is a trip to libuv's thread pool that
 * cost the event loop more than the bytes themselves. At most this much of a body waits in memory.
 *
 * The chunks are copied into one buffer per upload, used again for each write once the one
 * before is done (the caller waits for that anyway). Joining them into a new buffer per write
 * made a second body's worth of garbage per upload, and V8 runs a full collection for every
 * 64 MiB or so of such buffers. A writev of the chunks themselves was worse for memory: it kept
 * the socket's 64 KiB buffers referenced until each write was done (B2: 145–180 MiB of growth
 * against 75–90).
 */
export const SPOOL_WRITE_BYTES = 256 * 1024;

/**
 * A spool file for one upload. `hash`: keep a running sha256 of the body (what an
 * Idempotency-Key's fingerprint needs; without one nothing reads it, and it was a tenth of the
 * API's work an upload).
 */
export function openSpool(dir: string, options: { hash: boolean }): SpoolWriter {
  const path = join(dir, `${randomUUID()}.upload`);
  const out = createWriteStream(path, { flags: "wx", mode: 0o644 });
  const hash = options.hash ? createHash("sha256") : null;
  const head = Buffer.alloc(SNIFF_BYTES);
  let headLength = 0;
  let size = 0;
  let gathering: Buffer | null = null;
  let gathered = 0;
  /** The buffer of the last write, once that write is done: the next one gathers in it. */
  let spare: Buffer | null = null;
  /**
   * Writes what is gathered; false when the file stream asks to wait for its drain. The buffer
   * becomes the spare only in the write's callback: the stream calls it once the bytes are in
   * the file (or with an error for a write it dropped unstarted), never while the thread pool
   * may still be reading it.
   */
  const flush = (): boolean => {
    if (gathering === null || gathered === 0) return true;
    const buffer = gathering;
    const bytes = gathered;
    gathering = null;
    gathered = 0;
    return out.write(bytes === buffer.length ? buffer : buffer.subarray(0, bytes), () => {
      spare = buffer;
    });
  };
  /** Copies the chunk into the gathering buffer; false when a full buffer went out and the stream asks to wait. */
  const gather = (chunk: Buffer): boolean => {
    let ready = true;
    for (let offset = 0; offset < chunk.length; ) {
      if (gathering === null) {
        gathering = spare ?? Buffer.allocUnsafeSlow(SPOOL_WRITE_BYTES);
        spare = null;
      }
      const copied = chunk.copy(gathering, gathered, offset);
      gathered += copied;
      offset += copied;
      if (gathered === gathering.length) ready = flush() && ready;
    }
    return ready;
  };
  let failure: Error | null = null;
  out.on("error", (error) => {
    failure = error;
  });
  let gone = false;
  // One unlink, no lstat, and none at all once the folder store has moved the file into place.
  const discard = async () => {
    if (gone) return;
    await unlink(path).catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? undefined : Promise.reject(error)));
    gone = true;
  };
  const moved = () => {
    gone = true;
  };
  const closed = () => new Promise<void>((resolve) => (out.closed ? resolve() : out.once("close", () => resolve())));

  return {
    write(chunk) {
      if (failure) return Promise.reject(failure);
      if (headLength < SNIFF_BYTES) headLength += chunk.copy(head, headLength, 0, Math.min(chunk.length, SNIFF_BYTES - headLength));
      size += chunk.length;
      hash?.update(chunk);
      if (gather(chunk)) return null;
      return new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        out.once("drain", () => {
          out.off("error", onError);
          resolve();
        });
        out.once("error", onError);
      });
    },
    async finish() {
      await new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        out.once("error", reject);
        flush();
        out.end(() => resolve());
      });
      await closed();
      return { path, size, head: Buffer.from(head.subarray(0, headLength)), sha256: hash?.digest("hex") ?? null, moved, discard };
    },
    async abort() {
      gathering = null;
      spare = null;
      out.destroy();
      await closed();
      await discard();
    },
  };
}

/**
 * A new spool folder for this app under `root` (private: the folder is 0700). Folders of
 * processes that are gone (a crash, a kill) are removed with what they hold; a live process's
 * are left alone, so several APIs (or test apps in one process) may share one root.
 */
export function prepareSpoolDir(root: string): string {
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(root)) {
    const pid = Number(/^api-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
  const dir = join(root, `api-${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
