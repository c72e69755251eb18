import type { MultipartFile } from "@fastify/multipart";
import { AppError } from "@ingest/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import { bodyTooSlow, fileTooLarge, malformedMultipart, noFile, secondFile, tooManyFields, unsupportedType } from "../errors/upload-errors.ts";
import { sendContinue } from "../plugins/expect-continue.plugin.ts";
import type { ReadFileOptions, ReceivedFile, UploadSource } from "../services/upload.types.ts";
import { type BodyRate, watchBodyRate } from "./body-rate.watch.ts";
import { openSpool, type SpooledBody } from "./upload-spool.ts";

export const FILE_FIELD = "file";

/** Small allowances for what may travel beside the file: a few short text fields. */
const FIELD_LIMITS = { fields: 16, fieldSize: 16 * 1024, parts: 32, headerPairs: 64 };

/**
 * The last resort for a read that nothing else ends. Longer than the server's 2-minute request
 * timeout (checked every 30 s), which normally ends a stalled body first by closing it.
 */
const READ_DEADLINE_MS = 3 * 60_000;

export function createUploadSource(request: FastifyRequest, reply: FastifyReply, minRate: BodyRate): UploadSource {
  const length = Number(request.headers["content-length"]);
  const type = request.headers["content-type"] ?? "";
  return {
    isMultipart: /^multipart\/form-data\s*;/i.test(type),
    declaredLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    readFile: (options) => {
      // Only now, with every early check passed, does an `Expect: 100-continue` client get to send.
      sendContinue(request.raw, reply.raw);
      return readSingleFile(request, options, minRate);
    },
  };
}

/**
 * Reads exactly one file from the form field `file` with @fastify/multipart (registered on the
 * upload route only). Text fields beside the file are ignored; a text value in `file`, a file in
 * another field, or a second file is refused. The rest of a refused body is left unread (the
 * early-reply plugin closes the connection).
 *
 * The whole form is walked with request.parts(), not request.file(): only the iteration reports
 * what follows the file (a second file, too many fields, a body cut off after the file part).
 * Since 10.1 (fastify/fastify-multipart#631) it ends only when busboy has delivered every part,
 * rejects on busboy's "Unexpected end of multipart data", and on a client abort
 * (FST_MP_PREMATURE_CLOSE). It still never settles for a request that closed before the call,
 * which is checked here. The request's own events (error; close before complete; a parser not
 * done a turn after the body ended) stay as backstops, though 10.1.9 answered every cut-off and
 * abort we tried without them; a deadline backs it all.
 */
function readSingleFile(request: FastifyRequest, options: ReadFileOptions, minRate: BodyRate): Promise<ReceivedFile> {
  const raw = request.raw;
  return new Promise((resolve, reject) => {
    let settled = false;
    let sawBody = false;
    let received: ReceivedFile | null = null;
    let stopRateWatch = (): void => {};
    const settle = (error: unknown, file: ReceivedFile | null = null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stopRateWatch();
      raw.off("end", onEnd).off("close", onClose).off("error", onError);
      // Stop feeding the parser the rest of a refused body (nothing else is piped from it).
      raw.unpipe();
      // A file received before the form failed (a second file, a cut-off after it) is dropped.
      if (error && received) void received.body.discard();
      if (error) reject(error);
      else if (file) resolve(file);
      else reject(noFile());
    };
    // Once the body has ended, what is left (parsing buffered bytes, draining the file, the
    // plugin's promises) runs on ticks and microtasks only: unfinished by the next turn is stuck.
    // Writing the file to its spool is the one real I/O in that: the check waits for it first.
    let spooling: Promise<unknown> | null = null;
    const onEnd = (): void => {
      setImmediate(() => (spooling ? void spooling.finally(onEnd) : settled || settle(malformedMultipart())));
    };
    const onClose = (): void => (raw.complete ? onEnd() : settle(malformedMultipart()));
    const onError = (error: Error): void => settle(malformedMultipart(error));
    const deadline = setTimeout(() => settle(malformedMultipart()), READ_DEADLINE_MS);
    deadline.unref();
    raw.on("end", onEnd).on("close", onClose).on("error", onError);

    // A client that left during the early checks: its 'close' has passed and nothing will come.
    if (raw.destroyed) return settle(malformedMultipart());
    // request.parts() throws on a request the plugin's parser has not marked as a form (Fastify
    // runs it for every media type the test above accepts; this only keeps the throw out).
    if (!request.isMultipart()) return settle(noFile());

    let files = 0;
    const parts = request.parts({
      limits: { ...FIELD_LIMITS, files: 1, fileSize: options.maxBytes },
      // busboy takes a part without a filename for text; a `file` part that declares a
      // non-text type (curl -F "file=<x.png;type=image/png") is still meant as a file.
      isPartAFile: (field, type, filename) => {
        const isFile =
          filename !== undefined || type === "application/octet-stream" || (field === FILE_FIELD && type !== undefined && !type.startsWith("text/"));
        // The first file busboy takes (files: 1) in another field is refused at once. This is also
        // the only place that sees one the plugin withholds (a name like `constructor`).
        if (isFile && ++files === 1 && field !== FILE_FIELD) settle(noFile());
        return isFile;
      },
    });

    const walk = async (): Promise<void> => {
      for await (const part of parts) {
        if (settled) return void (part.type === "file" && part.file.resume());
        if (part.type !== "file") {
          if (part.fieldname === FILE_FIELD) throw noFile();
          continue;
        }
        if (part.fieldname !== FILE_FIELD) {
          part.file.resume();
          throw noFile();
        }
        if (!options.acceptsDeclaredType(part.mimetype)) {
          part.file.resume();
          throw unsupportedType();
        }
        const collecting = collect(part.file, options);
        spooling = collecting.catch(() => {});
        const body = await collecting;
        spooling = null;
        received = { body, declaredType: part.mimetype };
        // Settled meanwhile (the deadline, a refusal): nobody will discard it but us.
        if (settled) return void body.discard();
      }
    };
    // Starting the walk piped the request into the parser, so listening for data changes nothing.
    walk().then(
      // busboy reports an empty body as malformed; the plugin passes it off as an empty form.
      () => settle(sawBody ? null : malformedMultipart(), received),
      (error: unknown) => {
        if (error instanceof AppError || error instanceof SpoolFailure) return settle(error);
        const code = (error as { code?: unknown } | null)?.code;
        // Fields the plugin refuses (a name like `constructor`, a JSON field that does not parse)
        // we would ignore anyway; it reports them only once the form has ended.
        if ((code === "FST_PROTO_VIOLATION" || code === "FST_INVALID_JSON_FIELD_ERROR") && raw.complete) return settle(null, received);
        settle(LIMIT_ERRORS[code as string]?.() ?? malformedMultipart(error));
      },
    );
    raw.once("data", () => {
      sawBody = true;
    });
    // A body that stalls or trickles is cut (408) and gives its admission slot back.
    stopRateWatch = watchBodyRate(raw, minRate, () => settle(bodyTooSlow()));
  });
}

/** The plugin's limit errors, as we answer them. */
const LIMIT_ERRORS: Record<string, () => AppError> = {
  FST_FILES_LIMIT: secondFile,
  FST_FIELDS_LIMIT: tooManyFields,
  FST_PARTS_LIMIT: tooManyFields,
  FST_REQ_FILE_TOO_LARGE: fileTooLarge,
};

/** The spool file could not be written (disk full, permissions): ours, not the client's. */
class SpoolFailure extends Error {}

/**
 * Streams the file into a spool file, failing the moment it crosses `maxBytes`. busboy does not
 * end a stream at its size limit: it marks it `truncated`, emits `limit`, and keeps swallowing the
 * rest of the part. So the limit event, our own count, and `truncated` at the end each fail the
 * upload. Every failure deletes the spool file.
 */
function collect(file: MultipartFile["file"], { maxBytes, spoolDir, sha256 }: ReadFileOptions): Promise<SpooledBody> {
  return new Promise((resolve, reject) => {
    const spool = openSpool(spoolDir, { hash: sha256 });
    let total = 0;
    let failed = false;
    let writing: Promise<void> = Promise.resolve();
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      file.removeAllListeners("data");
      file.resume();
      void spool.abort();
      reject(error);
    };
    const spoolFailed = (error: unknown) => fail(new SpoolFailure("could not write the upload's spool file", { cause: error }));
    // The plugin destroys the file stream, with the error, when the body breaks: that may have
    // happened before the part reached us, and a destroyed stream emits nothing more.
    if (file.errored || (file.destroyed && !file.readableEnded)) return fail(malformedMultipart(file.errored ?? undefined));
    file.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) return fail(fileTooLarge());
      const wait = spool.write(chunk);
      if (wait === null) return;
      // The disk is behind: stop reading the body until it catches up.
      file.pause();
      writing = wait.then(
        () => void (failed || file.resume()),
        (error: unknown) => spoolFailed(error),
      );
    });
    file.once("limit", () => fail(fileTooLarge()));
    file.once("error", (error) => fail(malformedMultipart(error)));
    file.once("end", () => {
      if (file.truncated || total > maxBytes) return fail(fileTooLarge());
      writing
        .then(() => spool.finish())
        .then(
          (body) => (failed ? void body.discard() : resolve(body)),
          (error: unknown) => spoolFailed(error),
        );
    });
  });
}
