import { randomBytes } from "node:crypto";
import { request } from "node:http";

export interface StreamedReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Body bytes this client had handed to the socket when the reply arrived. */
  readonly bytesSentAtReply: number;
  readonly bodyBytes: number;
}

/**
 * Sends a multipart upload of `fileBytes` bytes chunk by chunk, and stops sending as soon as a
 * reply arrives — a well-behaved client facing an early refusal. `pauseAfter` holds the body
 * back after that many file bytes until `resume()` is called (or the reply arrives).
 */
export function streamUpload(options: {
  url: string;
  token?: string;
  fileBytes: number;
  chunked?: boolean;
  head?: Buffer;
  pauseAfter?: number;
}): { reply: Promise<StreamedReply>; resume(): void; abort(): void; paused: Promise<void> } {
  const boundary = `----stream${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const first = options.head ?? Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const bodyBytes = head.length + options.fileBytes + tail.length;
  const headers: Record<string, string | number> = { "content-type": `multipart/form-data; boundary=${boundary}` };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (!options.chunked) headers["content-length"] = bodyBytes;

  let replied = false;
  let sent = 0;
  let release: (() => void) | undefined;
  let markPaused: () => void = () => {};
  const paused = new Promise<void>((resolve) => {
    markPaused = resolve;
  });
  const req = request(options.url, { method: "POST", headers });

  const reply = new Promise<StreamedReply>((resolve, reject) => {
    req.on("response", (res) => {
      replied = true;
      release?.();
      const bytesSentAtReply = sent;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), bytesSentAtReply, bodyBytes }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!replied) reject(error);
    });
  });

  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve) => {
      sent += chunk.length;
      if (req.write(chunk)) resolve();
      else req.once("drain", resolve);
    });

  void (async () => {
    try {
      await write(head);
      let remaining = options.fileBytes;
      let written = 0;
      const block = Buffer.alloc(64 * 1024, 0x41);
      first.copy(block);
      while (remaining > 0 && !replied && !req.destroyed) {
        if (options.pauseAfter !== undefined && written >= options.pauseAfter && release === undefined) {
          markPaused();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          if (replied || req.destroyed) break;
        }
        const untilPause = options.pauseAfter !== undefined && release === undefined ? options.pauseAfter - written : Number.POSITIVE_INFINITY;
        const size = Math.min(block.length, remaining, Math.max(untilPause, 1));
        await write(written === 0 ? block.subarray(0, size) : Buffer.alloc(size, 0x41));
        remaining -= size;
        written += size;
      }
      if (!replied && !req.destroyed) {
        await write(tail);
        req.end();
      }
    } catch {
      // The server closed the connection: the reply (or its absence) tells the story.
    }
  })();

  return {
    reply,
    resume: () => release?.(),
    abort: () => req.destroy(),
    paused,
  };
}
