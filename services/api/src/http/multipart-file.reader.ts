import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { isAppError } from "@ingest/shared";
import type { FastifyRequest } from "fastify";
import {
  fileTooLarge,
  malformedMultipart,
  noFile,
  secondFile,
  tooManyFields,
  unsupportedType,
} from "../errors/upload-errors.ts";
import type { ReadFileOptions, ReceivedFile, UploadSource } from "../services/upload.types.ts";

export const FILE_FIELD = "file";

/** Small allowances for what may travel beside the file: a few short text fields. */
const FIELD_LIMITS = { fields: 16, fieldSize: 16 * 1024, parts: 32, headerPairs: 64 };

export function createUploadSource(request: FastifyRequest): UploadSource {
  const length = Number(request.headers["content-length"]);
  return {
    isMultipart: request.isMultipart(),
    declaredLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
    readFile: (options) => readSingleFile(request, options),
  };
}

/**
 * Reads exactly one file from the `file` field. Anything else in the form is ignored except: a
 * text value in `file` (400), a file in another field (400), a second file (400).
 */
async function readSingleFile(request: FastifyRequest, options: ReadFileOptions): Promise<ReceivedFile> {
  let received: ReceivedFile | null = null;
  try {
    const parts = request.parts({
      limits: { ...FIELD_LIMITS, files: 1, fileSize: options.maxBytes },
      // busboy takes a part without a filename for text; a `file` part that declares a
      // non-text type (curl -F "file=<x.png;type=image/png") is still meant as a file.
      isPartAFile: (field, type, filename) =>
        filename !== undefined || type === "application/octet-stream" || (field === FILE_FIELD && type !== undefined && !type.startsWith("text/")),
    });
    for await (const part of parts) {
      if (part.type === "field") {
        if (part.fieldname === FILE_FIELD) throw noFile();
        continue;
      }
      if (received) throw secondFile();
      if (part.fieldname !== FILE_FIELD) throw noFile();
      if (!options.acceptsDeclaredType(part.mimetype)) throw unsupportedType();
      received = { ...(await collect(part.file, options.maxBytes)), declaredType: part.mimetype };
    }
  } catch (error) {
    throw translate(error);
  }
  if (!received) throw noFile();
  return received;
}

/**
 * Buffers the file, failing the moment it crosses `maxBytes`. busboy does not end a stream at
 * its size limit: it marks it `truncated`, emits `limit`, and keeps swallowing the rest of the
 * part. So the limit event — and our own count, and `truncated` at the end — each fail the upload.
 */
function collect(file: Readable & { truncated?: boolean }, maxBytes: number): Promise<{ bytes: Buffer; sha256: string }> {
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
    file.once("error", fail);
    // A client that goes away mid-file: the parser destroys the stream without an error.
    file.once("close", () => fail(malformedMultipart()));
    file.once("end", () => {
      if (file.truncated || total > maxBytes) return fail(fileTooLarge());
      resolve({ bytes: Buffer.concat(chunks, total), sha256: hash.digest("hex") });
    });
  });
}

const ERROR_BY_MULTIPART_CODE: Readonly<Record<string, () => Error>> = {
  FST_FILES_LIMIT: secondFile,
  FST_FIELDS_LIMIT: tooManyFields,
  FST_PARTS_LIMIT: tooManyFields,
  FST_REQ_FILE_TOO_LARGE: fileTooLarge,
  FST_INVALID_MULTIPART_CONTENT_TYPE: noFile,
};

/** Everything the multipart parser can throw is the body's fault: a 4xx, never a 500. */
function translate(error: unknown): unknown {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const known = typeof code === "string" ? ERROR_BY_MULTIPART_CODE[code] : undefined;
  return known ? known() : malformedMultipart(error);
}
