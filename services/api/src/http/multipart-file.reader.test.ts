import { tmpdir } from "node:os";
import { PassThrough, Writable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { afterEach, expect, it, vi } from "vitest";
import { MALFORMED_MULTIPART_MESSAGE } from "../errors/error-messages.ts";
import { createUploadSource } from "./multipart-file.reader.ts";

// The stuck reads never reach a file part, so nothing is ever written to the spool folder.
const OPTIONS = { maxBytes: 1024, spoolDir: tmpdir(), sha256: false, acceptsDeclaredType: () => true };
const MALFORMED = { message: MALFORMED_MULTIPART_MESSAGE };

/**
 * The worst @fastify/multipart can do: request.parts() pipes the body into a parser that never
 * finishes, and its iteration never settles. Only the reader's own guards can end such a read.
 */
function stuckUpload() {
  const raw = Object.assign(new PassThrough(), { complete: false, headers: {} });
  const parser = new Writable({
    write: (_chunk, _encoding, callback) => callback(),
    final: () => {},
  });
  const parts = vi.fn(() => {
    raw.pipe(parser);
    return { [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => {}) }) };
  });
  const request = {
    raw,
    headers: { "content-type": "multipart/form-data; boundary=b" },
    isMultipart: () => true,
    parts,
  } as unknown as FastifyRequest;
  const reply = { raw: { headersSent: false } } as unknown as FastifyReply;
  return { raw, parts, source: createUploadSource(request, reply, { minBytes: 0, windowMs: 10_000 }) };
}

afterEach(() => {
  vi.useRealTimers();
});

it("a body that has ended, with the parser still unfinished a turn later, is malformed (no hang)", async () => {
  const { raw, source } = stuckUpload();
  const read = source.readFile(OPTIONS);
  raw.complete = true;
  raw.end("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc");
  await expect(read).rejects.toMatchObject(MALFORMED);
});

it("a client that goes away mid-body is malformed", async () => {
  const { raw, source } = stuckUpload();
  const read = source.readFile(OPTIONS);
  raw.write("--b\r\n");
  raw.destroy();
  await expect(read).rejects.toMatchObject(MALFORMED);
});

it("a client that left during the early checks is malformed, without starting the parser", async () => {
  const { raw, parts, source } = stuckUpload();
  raw.destroy();
  await new Promise((resolve) => raw.once("close", resolve));
  await expect(source.readFile(OPTIONS)).rejects.toMatchObject(MALFORMED);
  expect(parts).not.toHaveBeenCalled();
});

it("a body that neither ends nor closes is given up at the read deadline", async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const { raw, source } = stuckUpload();
  const read = source.readFile(OPTIONS);
  raw.write("--b\r\n");
  vi.advanceTimersByTime(10 * 60_000);
  await expect(read).rejects.toMatchObject(MALFORMED);
});
