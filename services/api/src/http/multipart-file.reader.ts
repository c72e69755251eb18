import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Busboy, type BusboyFileStream, type BusboyInstance } from "@fastify/busboy";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendContinue } from "../plugins/expect-continue.plugin.ts";
import { fileTooLarge, malformedMultipart, noFile, secondFile, tooManyFields, unsupportedType } from "../errors/upload-errors.ts";
import type { ReadFileOptions, ReceivedFile, UploadSource } from "../services/upload.types.ts";

export const FILE_FIELD = "file";

/** Small allowances for what may travel beside the file: a few short text fields. */
const FIELD_LIMITS = { fields: 16, fieldSize: 16 * 1024, parts: 32, headerPairs: 64 };

export function createUploadSource(request: FastifyRequest, reply: FastifyReply): UploadSource {
  const length = Number(request.headers["content-length"]);
  const type = request.headers["content-type"] ?? "";
  return {
    isMultipart: /^multipart\/form-data\s*;/i.test(type),
    declaredLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    readFile: (options) => {
      // Only now, with every early check passed, does an `Expect: 100-continue` client get to send.
      sendContinue(request.raw, reply.raw);
      return readSingleFile(request.raw, request.headers, options);
    },
  };
}

/**
 * Reads exactly one file from the form field `file`, driving busboy directly: its events must
 * have listeners from the moment a part starts, or a body that ends mid-part reports its error
 * to nobody and the upload hangs. Text fields beside the file are ignored; a text value in
 * `file`, a file in another field, or a second file is refused. The rest of a refused body is
 * left unread (the early-reply plugin closes the connection).
 */
function readSingleFile(raw: IncomingMessage, headers: IncomingHttpHeaders, options: ReadFileOptions): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        headers: headers as IncomingHttpHeaders & { "content-type": string },
        limits: { ...FIELD_LIMITS, files: 1, fileSize: options.maxBytes },
        // busboy takes a part without a filename for text; a `file` part that declares a
        // non-text type (curl -F "file=<x.png;type=image/png") is still meant as a file.
        isPartAFile: (field, type, filename) =>
          filename !== undefined || type === "application/octet-stream" || (field === FILE_FIELD && type !== undefined && !type.startsWith("text/")),
      });
    } catch (error) {
      reject(malformedMultipart(error));
      return;
    }

    let settled = false;
    let collecting = false;
    let parsed = false;
    let received: ReceivedFile | null = null;
    const settle = (error: unknown, file: ReceivedFile | null = null): void => {
      if (settled) return;
      settled = true;
      raw.unpipe(parser);
      raw.off("close", onClose);
      if (error) reject(error);
      else if (file) resolve(file);
      else reject(noFile());
    };
    const onClose = (): void => {
      if (!raw.complete) settle(malformedMultipart());
    };

    parser.on("field", (name) => {
      if (name === FILE_FIELD) settle(noFile());
    });
    parser.on("file", (name, stream, _filename, _encoding, declaredType) => {
      if (settled || collecting || received) {
        stream.resume();
        return settle(secondFile());
      }
      if (name !== FILE_FIELD) return discard(stream, () => settle(noFile()));
      if (!options.acceptsDeclaredType(declaredType)) return discard(stream, () => settle(unsupportedType()));
      collecting = true;
      collect(stream, options.maxBytes).then((file) => {
        collecting = false;
        received = { ...file, declaredType };
        if (parsed) settle(null, received);
      }, settle);
    });
    parser.on("filesLimit", () => settle(secondFile()));
    parser.on("fieldsLimit", () => settle(tooManyFields()));
    parser.on("partsLimit", () => settle(tooManyFields()));
    parser.on("error", (error) => settle(malformedMultipart(error)));
    // busboy finishes only after every file stream has ended; the file may resolve either side of it.
    parser.on("finish", () => {
      parsed = true;
      if (!collecting) settle(null, received);
    });
    raw.on("close", onClose);
    raw.pipe(parser);
  });
}

function discard(stream: BusboyFileStream, then: () => void): void {
  stream.resume();
  then();
}

/**
 * Buffers the file, failing the moment it crosses `maxBytes`. busboy does not end a stream at
 * its size limit: it marks it `truncated`, emits `limit`, and keeps swallowing the rest of the
 * part. So the limit event, our own count, and `truncated` at the end each fail the upload.
 */
function collect(file: BusboyFileStream, maxBytes: number): Promise<{ bytes: Buffer; sha256: string }> {
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
