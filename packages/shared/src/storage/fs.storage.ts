import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, type FileHandle, mkdir, open, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { contentTypeOfKey } from "../images/image-keys.ts";
import { DEFAULT_DURABILITY, type Durability } from "../store/store.ts";
import { isSafeKey, ObjectTooLargeError, type ObjectSummary, type Storage } from "./storage.ts";

/**
 * Objects as files under one directory: the embedded default for a single machine. Writes go
 * to a temporary file and are renamed into place, so a reader never sees half an object. With
 * durability `power` the file is fsynced before the rename and its folder after, so an object
 * that `put` said was written is still there after a power cut.
 */
export function createFsStorage(rootDir: string, options: { durability: Durability } = { durability: DEFAULT_DURABILITY }): Storage {
  const synced = options.durability === "power";
  const root = resolve(rootDir);
  const pathOf = (key: string): string => {
    const path = resolve(root, key);
    if (!isSafeKey(key) || !path.startsWith(root + sep)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return path;
  };
  const sizeOf = async (path: string): Promise<number | null> => {
    try {
      const info = await stat(path);
      return info.isFile() ? info.size : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  return {
    name: "fs",

    async put(key, body) {
      const path = pathOf(key);
      if (!Buffer.isBuffer(body)) {
        // A spooled upload on the same file system is moved, not copied: no byte is written twice.
        try {
          if (synced) await fsyncFile(body.path);
          await inFolder(path, () => rename(body.path, path));
          body.moved?.();
          if (synced) await fsyncFile(dirname(path));
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        }
      }
      const temporary = `${path}.${randomUUID()}.tmp`;
      try {
        await inFolder(path, () => (Buffer.isBuffer(body) ? writeFile(temporary, body) : copyFile(body.path, temporary)));
        if (synced) await fsyncFile(temporary);
        await rename(temporary, path);
        if (synced) await fsyncFile(dirname(path));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key) {
      const path = pathOf(key);
      const size = await sizeOf(path);
      if (size === null) return null;
      return { body: createReadStream(path), contentType: contentTypeOfKey(key), contentLength: size, etag: null };
    },

    async getBuffer(key, maxBytes) {
      let handle: FileHandle;
      try {
        handle = await open(pathOf(key), "r");
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        return await readWhole(handle, key, maxBytes);
      } finally {
        await handle.close();
      }
    },

    async exists(key) {
      return (await sizeOf(pathOf(key))) !== null;
    },

    async delete(keys) {
      await Promise.all(keys.map((key) => rm(pathOf(key), { force: true })));
    },

    async *list(prefix, options = {}) {
      yield* walk(root, join(root, prefix.split("/").slice(0, -1).join("/")), prefix, options.startAfter ?? "");
    },

    async ping() {
      await mkdir(root, { recursive: true });
      await stat(root);
    },

    close() {},
  };
}

/** Missing, or a path through a file (`a.png/b.png`): no such object either way. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG";
}

/**
 * An open file's bytes in one buffer of its size, read with as few calls as the kernel allows:
 * a stream would take 64 KiB a trip to the thread pool and copy every chunk once more to join
 * them, which for the worker's originals cost more than the reading itself. Objects are replaced
 * by a rename, never grown in place, and the handle keeps the file it opened: its size holds. A
 * folder is no object (null).
 */
async function readWhole(handle: FileHandle, key: string, maxBytes: number): Promise<Buffer | null> {
  const info = await handle.stat();
  if (!info.isFile()) return null;
  if (info.size > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
  const buffer = Buffer.allocUnsafe(info.size);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

/**
 * Runs a write into `path`'s folder, creating the folder only when the write finds it missing:
 * most writes go to a folder that exists (a product's images), and every call to the file
 * system is a trip to libuv's thread pool.
 */
async function inFolder<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dirname(path), { recursive: true });
    return write();
  }
}

/** Flushes a file's (or a folder's entries') data to the disk. */
async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Depth first, each folder's entries sorted with a folder named as if it ended in "/": that
 * yields keys in the same byte order as S3 lists them, so `startAfter` means the same on both.
 */
async function* walk(root: string, dir: string, prefix: string, startAfter: string): AsyncGenerator<ObjectSummary> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const sortName = (entry: import("node:fs").Dirent) => Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name);
  entries.sort((a, b) => Buffer.compare(sortName(a), sortName(b)));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const folder = `${relative(root, path).split(sep).join("/")}/`;
      // Everything in this folder sorts before startAfter: skip it without reading it.
      if (folder < startAfter && !startAfter.startsWith(folder)) continue;
      yield* walk(root, path, prefix, startAfter);
    } else if (entry.isFile() && !entry.name.endsWith(".tmp")) {
      const key = relative(root, path).split(sep).join("/");
      if (!key.startsWith(prefix) || key <= startAfter) continue;
      const info = await stat(path);
      yield { key, size: info.size, lastModified: info.mtime };
    }
  }
}
