import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { AdmissionEvent } from "../../src/services/admission.ts";
import { call, type Reply, uploadImage } from "../support/http.ts";
import { imageBytes } from "../support/images.ts";
import { type StreamedReply, streamUpload } from "../support/streaming-upload.ts";
import { createTenant, type Tenant } from "../support/tenants.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const BUSY = { error: "Too many uploads in progress; retry shortly." };
const TOO_SLOW = { error: "The upload arrived too slowly; send the body without pauses, or retry." };
/** A client that waited this long for an answer fails the test; the server must answer far sooner. */
const CLIENT_PATIENCE_MS = 20_000;

let t: TestApp | undefined;
const stalled: { reply: Promise<unknown>; abort(): void }[] = [];
afterEach(async () => {
  for (const upload of stalled.splice(0)) {
    upload.reply.catch(() => {});
    upload.abort();
  }
  await t?.close();
  t = undefined;
});

function patient<T>(answer: Promise<T>): Promise<T> {
  return Promise.race([
    answer,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CLIENT_PATIENCE_MS} ms`)), CLIENT_PATIENCE_MS).unref()),
  ]);
}

async function newProduct(app: TestApp, tenant: Tenant): Promise<string> {
  return (await call(app.baseUrl, "POST", "/api/v1/products", { token: tenant.key, json: { name: "Battery" } })).body.id;
}

/** Uploads admitted so far (the admission's event hook, as metrics would see it). */
let admitted = 0;
const countAdmitted = (event: AdmissionEvent): void => {
  if (event.type === "admitted") admitted++;
};

/** Starts an upload that sends its headers and 1 KiB of file, then goes quiet; resolves once it holds a slot. */
async function stall(app: TestApp, token: string, productId: string): Promise<{ reply: Promise<StreamedReply>; resume(): void }> {
  const before = admitted;
  const upload = streamUpload({ url: `${app.baseUrl}/api/v1/products/${productId}/images`, token, fileBytes: 64 * 1024, pauseAfter: 1024, head: await imageBytes("png") });
  stalled.push(upload);
  await upload.paused;
  for (let attempt = 0; attempt < 500 && admitted === before; attempt++) await sleep(10);
  if (admitted === before) throw new Error("the stalled upload was never admitted");
  return upload;
}

/** Uploads until one is refused. */
async function untilRefused(app: TestApp, token: string, productId: string): Promise<Reply | undefined> {
  const png = await imageBytes("png");
  for (let attempt = 0; attempt < 200; attempt++) {
    const reply = await uploadImage(app.baseUrl, token, productId, png);
    if (reply.status === 503) return reply;
    expect(reply.status).toBe(201);
    await sleep(20);
  }
  return undefined;
}

describe("no caller can take every upload slot", () => {
  it("a credential gets at most its share, a company at most its own; other companies still upload", async () => {
    const app = await startTestApp("fairness", {
      API_MAX_CONCURRENT_UPLOADS: "4",
      API_MAX_UPLOADS_PER_COMPANY: "3",
      API_MAX_UPLOADS_PER_CREDENTIAL: "2",
      API_UPLOAD_MIN_KIB_PER_WINDOW: "0",
    }, {}, undefined, { onAdmission: countAdmitted });
    t = app;
    const greedy = await createTenant(app.repositories);
    const other = await createTenant(app.repositories);
    const [p1, p2, p3] = [await newProduct(app, greedy), await newProduct(app, greedy), await newProduct(app, other)];

    const held = [await stall(app, greedy.key, p1), await stall(app, greedy.key, p1)];
    // Its third upload is refused although the process has slots left…
    const refused = await untilRefused(app, greedy.key, p2);
    expect(refused?.body).toEqual(BUSY);
    expect(refused?.headers.get("retry-after")).toBe("1");
    // …while another key of the same company may use the company's third slot…
    expect((await uploadImage(app.baseUrl, greedy.writeKey, p2, await imageBytes("png"))).status).toBe(201);
    held.push(await stall(app, greedy.writeKey, p2));
    expect((await untilRefused(app, greedy.writeKey, p2))?.body).toEqual(BUSY);
    // …and another company uploads as if nothing were going on.
    for (let i = 0; i < 3; i++) expect((await uploadImage(app.baseUrl, other.key, p3, await imageBytes("png"))).status).toBe(201);

    for (const upload of held) upload.resume();
    for (const upload of held) expect((await upload.reply).status).toBe(201);
    expect((await uploadImage(app.baseUrl, greedy.key, p1, await imageBytes("png"))).status).toBe(201);
  });
});

describe("a stalled or trickling body gives its slot back within seconds", () => {
  const env = { API_MAX_CONCURRENT_UPLOADS: "1", API_UPLOAD_MIN_KIB_PER_WINDOW: "16", API_UPLOAD_RATE_WINDOW_MS: "1000" };

  it("a body that goes quiet is cut with 408 in the error shape; the next upload gets the slot", async () => {
    const app = await startTestApp("stalled body", env, {}, undefined, { onAdmission: countAdmitted });
    t = app;
    const tenant = await createTenant(app.repositories);
    const productId = await newProduct(app, tenant);
    const quiet = await stall(app, tenant.key, productId);
    const cut = await patient(quiet.reply);
    expect(cut.status).toBe(408);
    expect(JSON.parse(cut.body)).toEqual(TOO_SLOW);
    expect((await uploadImage(app.baseUrl, tenant.key, productId, await imageBytes("png"))).status).toBe(201);
    expect(await app.repositories.images.findForProduct(tenant.companyId, productId)).toHaveLength(1);
  });

  it("a body trickled at 2 KiB/s (under 16 KiB per second) is cut with 408", async () => {
    const app = await startTestApp("trickled body", env);
    t = app;
    const tenant = await createTenant(app.repositories);
    const productId = await newProduct(app, tenant);
    const reply = await patient(trickle(`${app.baseUrl}/api/v1/products/${productId}/images`, tenant.key, await imageBytes("png")));
    expect(reply.status).toBe(408);
    expect(JSON.parse(reply.body)).toEqual(TOO_SLOW);
  });
});

/** Sends a multipart upload 256 bytes every 125 ms until the server answers (at most 60 s of it). */
function trickle(url: string, token: string, png: Buffer): Promise<{ status: number; body: string }> {
  const boundary = "----trickle";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.alloc(128 * 1024),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": body.length },
    });
    let offset = 0;
    const timer = setInterval(() => {
      if (offset >= body.length || offset > 480 * 256) return clearInterval(timer);
      req.write(body.subarray(offset, offset + 256));
      offset += 256;
    }, 125);
    req.on("response", (res) => {
      clearInterval(timer);
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
  });
}
