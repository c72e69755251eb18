import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyReply, FastifyRequest } from "fastify";
import { fileTooLarge, malformedMultipart, noFile, secondFile, tooManyFields, unsupportedType } from "../errors/upload-errors.ts";
import { sendContinue } from "../plugins/expect-continue.plugin.ts";
import type { ReadFileOptions, ReceivedFile, UploadSource } from "../services/upload.types.ts";

export const FILE_FIELD = "file";

/** Small allowances for what may travel beside the file: a few short text fields. */
const FIELD_LIMITS = { fields: 16, fieldSize: 16 * 1024, parts: 32, headerPairs: 64 };

/**
 * The last resort for a read that nothing else ends. Longer than the server's 2-minute request
 * timeout (checked every 30 s), which normally ends a stalled body first by closing it.
 */
const READ_DEADLINE_MS = 3 * 60_000;

export function createUploadSource(request: FastifyRequest, reply: FastifyReply): UploadSource {
  const length = Number(request.headers["content-length"]);
  const type = request.headers["content-type"] ?? "";
  return {
    isMultipart: /^multipart\/form-data\s*;/i.test(type),
    declaredLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    readFile: (options) => {
      // Only now, with every early check passed, does an `Expect: 100-continue` client get to send.
      sendContinue(request.raw, reply.raw);
      return readSingleFile(request, options);
    },
  };
}

/**
 * Reads exactly one file from the form field `file` with @fastify/multipart (registered on the
 * upload route only). Text fields beside the file are ignored; a text value in `file`, a file in
 * another field, or a second file is refused. The rest of a refused body is left unread (the
 * early-reply plugin closes the connection).
 *
 * request.file() hands over the file, but its idea of where the form ends cannot be trusted
 * (9.4.0): it reads busboy's "Unexpected end of multipart data" as a clean end, so a cut-off
 * body passes, or waits for ever on a file stream that was destroyed before we held it; it ends
 * when the request closes although busboy may still hold parts (fastify/fastify-multipart#630);
 * and for a request that closed before the call it never settles. So busboy's own events
 * (finish, error, limits) and the request's (error, close before complete) decide the answer;
 * once the body has ended, the parser gets the rest of that turn to finish; a deadline backs it all.
 */
function readSingleFile(request: FastifyRequest, options: ReadFileOptions): Promise<ReceivedFile> {
  const raw = request.raw;
  return new Promise((resolve, reject) => {
    let settled = false;
    let collecting = false;
    let parsed = false;
    let received: ReceivedFile | null = null;
    let parser: Writable | undefined;
    const settle = (error: unknown, file: ReceivedFile | null = null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      raw.off("end", onEnd).off("close", onClose).off("error", onError);
      if (parser) raw.unpipe(parser);
      if (error) reject(error);
      else if (file) resolve(file);
      else reject(noFile());
    };
    // Once the body has ended, what is left (parsing buffered bytes, draining the file, the
    // plugin's promises) runs on ticks and microtasks only: unfinished by the next turn is stuck.
    const onEnd = (): void => {
      setImmediate(() => settle(malformedMultipart()));
    };
    const onClose = (): void => (raw.complete ? onEnd() : settle(malformedMultipart()));
    const onError = (error: Error): void => settle(malformedMultipart(error));
    const deadline = setTimeout(() => settle(malformedMultipart()), READ_DEADLINE_MS);
    deadline.unref();
    raw.on("end", onEnd).on("close", onClose).on("error", onError);

    // A client that left during the early checks: its 'close' has passed and nothing will come.
    if (raw.destroyed) return settle(malformedMultipart());
    // request.file() throws on a request the plugin's parser has not marked as a form (Fastify
    // runs it for every media type the test above accepts; this only keeps the throw out).
    if (!request.isMultipart()) return settle(noFile());

    const delivered = request.file({
      limits: { ...FIELD_LIMITS, files: 1, fileSize: options.maxBytes },
      // busboy takes a part without a filename for text; a `file` part that declares a
      // non-text type (curl -F "file=<x.png;type=image/png") is still meant as a file.
      isPartAFile: (field, type, filename) =>
        filename !== undefined || type === "application/octet-stream" || (field === FILE_FIELD && type !== undefined && !type.startsWith("text/")),
    });
    parser = pipedParser(raw);
    // The plugin withholds parts it refuses (a name like `constructor`), so names are checked here.
    parser.on("file", (name: string) => name !== FILE_FIELD && settle(noFile()));
    parser.on("field", (name: string) => name === FILE_FIELD && settle(noFile()));
    parser.on("filesLimit", () => settle(secondFile()));
    parser.on("fieldsLimit", () => settle(tooManyFields()));
    parser.on("partsLimit", () => settle(tooManyFields()));
    parser.on("error", (error: Error) => settle(malformedMultipart(error)));
    // busboy finishes only after every file stream has ended; the file may resolve either side of it.
    parser.on("finish", () => {
      parsed = true;
      if (!collecting) settle(null, received);
    });

    delivered.then(
      (part) => {
        if (!part) return; // no file part: the parser's finish or error answers
        if (settled || part.fieldname !== FILE_FIELD) return void part.file.resume();
        if (!options.acceptsDeclaredType(part.mimetype)) {
          part.file.resume();
          return settle(unsupportedType());
        }
        collecting = true;
        collect(part.file, options.maxBytes).then((file) => {
          collecting = false;
          received = { ...file, declaredType: part.mimetype };
          if (parsed) settle(null, received);
        }, settle);
      },
      // What fails request.file() (a limit, a withheld part, a broken body or request) also
      // reaches the parser's or the request's own events above, which answer it.
      () => {},
    );
  });
}

/**
 * The busboy instance @fastify/multipart has just piped the request into: the plugin keeps no
 * handle on it that we could reach, but Node's pipe records its destination.
 */
function pipedParser(raw: IncomingMessage): Writable {
  const parser = (raw as unknown as { _readableState: { pipes: Writable[] } })._readableState.pipes.at(-1);
  if (!parser) throw new Error("@fastify/multipart did not pipe the request into a parser");
  return parser;
}

/**
 * Buffers the file, failing the moment it crosses `maxBytes`. busboy does not end a stream at
 * its size limit: it marks it `truncated`, emits `limit`, and keeps swallowing the rest of the
 * part. So the limit event, our own count, and `truncated` at the end each fail the upload.
 */
function collect(file: MultipartFile["file"], maxBytes: number): Promise<{ bytes: Buffer; sha256: string }> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let total = 0;
    const hash = createHash("sha256");
    const fail = (error: unknown): void => {
      chunks = [];
      file.removeAllListeners("data");
      file.resume();
      reject(error);
    };
    file.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) return fail(fileTooLarge());
      chunks.push(chunk);
      hash.update(chunk);
    });
    file.once("limit", () => fail(fileTooLarge()));
    file.once("error", (error) => fail(malformedMultipart(error)));
    file.once("end", () => {
      if (file.truncated || total > maxBytes) return fail(fileTooLarge());
      resolve({ bytes: Buffer.concat(chunks, total), sha256: hash.digest("hex") });
    });
  });
}
