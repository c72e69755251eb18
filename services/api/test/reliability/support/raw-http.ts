import { connect } from "node:net";

export interface RawReply {
  /** Null when the server closed the connection without an HTTP answer. */
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Writes exactly these bytes to the server and reads its answer: the way to send what no HTTP
 * client library would (a lying Content-Length, a broken header, a body cut short). `halfClose`
 * ends our side after the bytes, as a client that gave up would: Node's server then aborts the
 * request, so only use it for requests that are incomplete on purpose. Fails if nothing (not
 * even a close) happens within `patienceMs`.
 */
export function rawRequest(port: number, bytes: Buffer, options: { halfClose?: boolean; patienceMs?: number } = {}): Promise<RawReply> {
  const patienceMs = options.patienceMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks)));
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`no answer and no close within ${patienceMs} ms`));
    }, patienceMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks))) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}

function splitHead(raw: Buffer): { head: string; body: Buffer } | null {
  const end = raw.indexOf("\r\n\r\n");
  return end < 0 ? null : { head: raw.subarray(0, end).toString("latin1"), body: raw.subarray(end + 4) };
}

function headersOf(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function isComplete(raw: Buffer): boolean {
  const parts = splitHead(raw);
  if (!parts) return false;
  const length = Number(headersOf(parts.head)["content-length"]);
  return Number.isFinite(length) && parts.body.length >= length;
}

function parseReply(raw: Buffer): RawReply {
  const parts = splitHead(raw);
  if (!parts) return { status: null, headers: {}, body: raw.toString("utf8") };
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(parts.head)?.[1] ?? Number.NaN);
  const headers = headersOf(parts.head);
  let body = parts.body;
  if (headers["transfer-encoding"]?.includes("chunked")) body = unchunk(body);
  return { status: Number.isNaN(status) ? null : status, headers, body: body.toString("utf8") };
}

function unchunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!size) break;
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** A request as bytes: request line, headers (sent as given, duplicates and all), body. */
export function requestBytes(method: string, path: string, headers: readonly (readonly [string, string])[], body: Buffer = Buffer.alloc(0)): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`), "", ""].join("\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}
