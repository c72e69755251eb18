import {
  BUSY_MESSAGE,
  EMPTY_FILE_MESSAGE,
  FILE_TOO_LARGE_MESSAGE,
  IDEMPOTENCY_IN_FLIGHT_MESSAGE,
  IDEMPOTENCY_KEY_FORMAT_MESSAGE,
  IDEMPOTENCY_KEY_REUSED_MESSAGE,
  IMAGE_CAP_MESSAGE,
  INTERNAL_MESSAGE,
  MALFORMED_MULTIPART_MESSAGE,
  NO_FILE_MESSAGE,
  PRECONDITION_MESSAGE,
  PRODUCT_NOT_FOUND_MESSAGE,
  SECOND_FILE_MESSAGE,
  UNAVAILABLE_MESSAGE,
  UNSUPPORTED_TYPE_MESSAGE,
} from "../errors/error-messages.ts";
import { errorSchema } from "./common.schema.ts";

/**
 * Response objects for the OpenAPI document: each status a route can return, with its
 * description, its headers and example bodies (`x-examples` become named OpenAPI examples).
 * They also serialize the replies, so a documented body and a sent body cannot differ in shape.
 * The upload's 400/413/415/422 examples are the published page's bodies, byte for byte
 * (a test compares them with the page).
 */

type Examples = Readonly<Record<string, string>>;

const header = (description: string, schema: object = { type: "string" }) => ({ description, ...schema });

const retryAfter = header("Seconds to wait before retrying.", { type: "string", pattern: "^[0-9]+$" });
const rateLimitHeaders = {
  "x-ratelimit-limit": header("Requests this credential may make per window (see RATE_LIMIT_*).", { type: "string", pattern: "^[0-9]+$" }),
  "x-ratelimit-remaining": header("Requests left in the current window.", { type: "string", pattern: "^[0-9]+$" }),
  "x-ratelimit-reset": header("Seconds until the window resets.", { type: "string", pattern: "^[0-9]+$" }),
} as const;
export const idempotentReplayedHeader = {
  "idempotent-replayed": header("`true` when this is the stored answer to an earlier request with the same Idempotency-Key (nothing was created).", { type: "string", enum: ["true"] }),
};
export const etagHeader = { etag: header('The product version, quoted ("7"); send it as If-Match to change the product only if unchanged.', { type: "string", pattern: '^"[0-9]+"$' }) };

/** Names the headers a live response must carry (the contract test checks them). */
export const REQUIRED_HEADERS = "x-required-headers";

function errorResponse(description: string, examples: Examples, headers: Record<string, object> = {}, required: readonly string[] = []) {
  return {
    description,
    ...errorSchema,
    "x-examples": Object.fromEntries(Object.entries(examples).map(([summary, message]) => [exampleName(summary), { summary, value: { error: message } }])),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(required.length > 0 ? { [REQUIRED_HEADERS]: required } : {}),
  };
}

function exampleName(summary: string): string {
  return summary.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** A success body with its headers: `required` ones are always sent, the rate-limit ones when limits are on. */
export function success<S extends object>(description: string, schema: S, headers: Record<string, object> = {}, required: readonly string[] = []) {
  return { description, ...schema, headers: { ...headers, ...rateLimitHeaders }, [REQUIRED_HEADERS]: required };
}

const unauthorized = errorResponse(
  "No credential, a malformed Authorization header, or an unknown, revoked, expired or forged credential. WWW-Authenticate names the scheme.",
  {
    "No credential": "Missing credentials: send Authorization: Bearer <token>",
    "Not a Bearer header": "Malformed Authorization header: expected Bearer <token>",
    "Unknown, revoked or expired": "Invalid or expired credentials",
  },
  { "www-authenticate": header('Bearer realm="api"') },
  ["www-authenticate"],
);
const forbidden = (scope: string) =>
  errorResponse(`The credential is valid but lacks the ${scope} scope.`, { "Missing scope": `This credential lacks the ${scope} scope` });
const rateLimited = errorResponse(
  "This credential spent its budget for the current window (uploads and other requests are counted separately).",
  { "Rate limit exceeded": "Rate limit exceeded (1200/min for this credential); retry in 42 s." },
  { "retry-after": retryAfter, ...rateLimitHeaders },
  ["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"],
);
const internal = errorResponse("An unexpected failure; the text never says more.", { "Internal error": INTERNAL_MESSAGE });
const unavailable = (examples: Examples = {}) =>
  errorResponse(
    "A dependency (database, token keys) does not answer, or uploads are at capacity. Retry after Retry-After seconds.",
    { "Dependency unavailable": UNAVAILABLE_MESSAGE, ...examples },
    { "retry-after": retryAfter },
    ["retry-after"],
  );
const badRequest = (examples: Examples) => errorResponse("The request is malformed; the text says what is wrong.", examples);
const productNotFound = errorResponse("No such product for this company (a malformed id is 404 as well).", { "Unknown product": PRODUCT_NOT_FOUND_MESSAGE });
const preconditionFailed = errorResponse("If-Match named an older version of the product.", { "Stale ETag": PRECONDITION_MESSAGE });

/** What every /api/v1 route can answer besides its own statuses. */
export function apiErrors(scope: string) {
  return { 401: unauthorized, 403: forbidden(scope), 429: rateLimited, 500: internal, 503: unavailable() } as const;
}

export const productErrors = { 404: productNotFound } as const;
export const preconditionErrors = { 412: preconditionFailed } as const;
export const validationError = (examples: Examples) => ({ 400: badRequest(examples) }) as const;

/** The upload's own refusals: the published page's four bodies, and the 503 of a full server. */
export const uploadErrors = {
  400: badRequest({
    "No file": NO_FILE_MESSAGE,
    "A second file": SECOND_FILE_MESSAGE,
    "Empty file": EMPTY_FILE_MESSAGE,
    "Malformed multipart": MALFORMED_MULTIPART_MESSAGE,
    "Bad Idempotency-Key": IDEMPOTENCY_KEY_FORMAT_MESSAGE,
  }),
  413: errorResponse("The file is larger than 5 MiB (5,242,880 bytes).", { "Too large": FILE_TOO_LARGE_MESSAGE }),
  415: errorResponse("The bytes are not PNG, JPEG or WebP, whatever the declared type.", { Unsupported: UNSUPPORTED_TYPE_MESSAGE }),
  409: errorResponse(
    "Idempotency-Key only: a request with this key is still in progress. Retry after Retry-After seconds; the retry gets its answer.",
    { "Key in flight": IDEMPOTENCY_IN_FLIGHT_MESSAGE },
    { "retry-after": retryAfter },
    ["retry-after"],
  ),
  422: errorResponse("The product already has 20 images; or (Idempotency-Key) the key was used for another product or file.", {
    "Cap reached": IMAGE_CAP_MESSAGE,
    "Key reused": IDEMPOTENCY_KEY_REUSED_MESSAGE,
  }),
  503: unavailable({ "Uploads at capacity": BUSY_MESSAGE }),
} as const;
