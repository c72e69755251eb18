import autocannon from "autocannon";
import { round } from "../measure.ts";
import type { Photo } from "./photos.ts";

/** One multipart body with the photo in the field `file`, built once and sent as it is by every request. */
export function multipartBody(photo: Photo): { body: Buffer; contentType: string } {
  const boundary = "----bench-boundary-7f3a9c";
  const name = `photo.${photo.format === "jpeg" ? "jpg" : photo.format}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/${photo.format}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), photo.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export type LoadFigures = {
  readonly perS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
};

type LoadRun = LoadFigures & {
  readonly amount: number;
  readonly wallS: number;
};

/**
 * `amount` POSTs of `body` over `concurrency` keep-alive connections (closed loop), with
 * autocannon: a load tool whose own cost per request is small next to a 1 MB body, so most of the
 * two cores go to the server measured. `pathOf(i)` names each request's path. Throws unless
 * every answer is 2xx.
 */
export async function postLoad(options: {
  readonly origin: string;
  readonly pathOf: (i: number) => string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly concurrency: number;
  readonly amount: number;
}): Promise<LoadRun> {
  let sent = 0;
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.origin,
        connections: options.concurrency,
        amount: options.amount,
        timeout: 60,
        requests: [
          {
            method: "POST",
            headers: options.headers,
            body: options.body,
            setupRequest: (request) => ({ ...request, path: options.pathOf(sent++) }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    // autocannon notices that `amount` is reached on its next tick: the wall time ends at the last answer.
    instance.on("response", () => {
      lastAnswer = performance.now();
    });
  });
  const wallS = (lastAnswer - started) / 1000;
  const answered = result["2xx"];
  if (answered !== options.amount || result.errors > 0) {
    throw new Error(`${options.origin}: ${answered} of ${options.amount} answered 2xx (${result.non2xx} others, ${result.errors} errors, ${JSON.stringify(result.statusCodeStats)})`);
  }
  return { amount: options.amount, wallS, perS: round(options.amount / wallS, 1), p50Ms: round(result.latency.p50, 1), p99Ms: round(result.latency.p99, 1) };
}

/**
 * Uploads of `body` through the API (`POST /api/v1/products/{id}/images`), `perProduct` to each
 * of `products` in turn (the cap is 20): `(concurrency, amount) => LoadRun`.
 */
export function apiUploads(options: { readonly baseUrl: string; readonly key: string; readonly products: readonly string[]; readonly perProduct: number; readonly body: { body: Buffer; contentType: string } }) {
  let uploaded = 0;
  return (concurrency: number, amount: number) =>
    postLoad({
      origin: options.baseUrl,
      pathOf: () => `/api/v1/products/${options.products[Math.floor(uploaded++ / options.perProduct)]}/images`,
      headers: { authorization: `Bearer ${options.key}`, "content-type": options.body.contentType },
      body: options.body.body,
      concurrency,
      amount,
    });
}

/**
 * Runs the service and its baseline in alternating rounds (`amount` requests each in all), so a
 * drift in the machine's load or a scheduler pattern that settles for a while (two cores shared by
 * client, server and thread pool fall into steady rhythms that differ from run to run) reaches
 * both alike. Per side: throughput over all its rounds, the median round's p50, the worst p99.
 */
export async function alternatingRounds(rounds: number, amount: number, service: (amount: number) => Promise<LoadRun>, baseline: (amount: number) => Promise<LoadRun>): Promise<{ service: LoadFigures; baseline: LoadFigures }> {
  const runs = { service: [] as LoadRun[], baseline: [] as LoadRun[] };
  const perRound = Math.ceil(amount / rounds);
  for (let round = 0; round < rounds; round++) {
    // Which side goes first alternates too.
    const order = round % 2 === 0 ? (["service", "baseline"] as const) : (["baseline", "service"] as const);
    for (const side of order) runs[side].push(await (side === "service" ? service : baseline)(perRound));
  }
  return { service: combine(runs.service), baseline: combine(runs.baseline) };
}

function combine(runs: readonly LoadRun[]): LoadFigures {
  const p50s = runs.map((run) => run.p50Ms).sort((a, b) => a - b);
  const total = runs.reduce((sum, run) => sum + run.amount, 0);
  const wallS = runs.reduce((sum, run) => sum + run.wallS, 0);
  return { perS: round(total / wallS, 1), p50Ms: p50s[Math.floor(p50s.length / 2)]!, p99Ms: Math.max(...runs.map((run) => run.p99Ms)) };
}
