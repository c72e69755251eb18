import { randomBytes } from "node:crypto";

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  readonly body: any;
}

export async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A JSON request with a Bearer token (or raw Authorization header via `authorization`). */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; authorization?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  return toReply(response);
}

export interface FormPart {
  readonly name: string;
  readonly data: Buffer | string;
  /** Omit for a text field; set for a file part. */
  readonly filename?: string;
  /** The part's Content-Type header; omitted when undefined. */
  readonly type?: string;
}

/** A multipart/form-data body built byte by byte, so tests control every header of every part. */
export function multipartBody(parts: readonly FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----test${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`, ...(part.type ? [`Content-Type: ${part.type}`] : []), "", ""].join("\r\n");
    chunks.push(Buffer.from(head), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function postForm(baseUrl: string, path: string, token: string | undefined, parts: readonly FormPart[]): Promise<Reply> {
  const { body, contentType } = multipartBody(parts);
  const headers: Record<string, string> = { "content-type": contentType };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return toReply(await fetch(`${baseUrl}${path}`, { method: "POST", headers, body }));
}

/** The usual upload: one file in `file`. */
export function uploadImage(
  baseUrl: string,
  token: string | undefined,
  productId: string,
  data: Buffer,
  options: { filename?: string; type?: string } = {},
): Promise<Reply> {
  return postForm(baseUrl, `/api/v1/products/${productId}/images`, token, [
    { name: "file", data, filename: options.filename ?? "photo.bin", type: options.type ?? "application/octet-stream" },
  ]);
}
