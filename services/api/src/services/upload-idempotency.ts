import {
  AppError,
  type IdempotencyClaim,
  type IdempotencyRepository,
  type IdempotencyResponse,
  imageUrlsOf,
  newObjectId,
  type Product,
  type ProductRepository,
} from "@ingest/shared";
import type { FastifyBaseLogger } from "fastify";
import { IDEMPOTENCY_IN_FLIGHT_MESSAGE, IDEMPOTENCY_KEY_FORMAT_MESSAGE, IDEMPOTENCY_KEY_REUSED_MESSAGE } from "../errors/error-messages.ts";
import { etagOf } from "./etag.ts";

/** 1–255 printable ASCII characters (space to tilde). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;
/** Claims lost to a concurrent claimer before this request gives up with a 409. */
const CLAIM_ROUNDS = 4;

export type IdempotencyDecision =
  | { readonly kind: "replay"; readonly response: IdempotencyResponse }
  | { readonly kind: "claimed"; readonly claim: IdempotencyClaim };

/** What a committed upload answers; stored so a repeat gets the same bytes. */
export interface CommittedAnswer {
  readonly imageUrl: string;
  readonly imageUrls: string[];
  readonly imageId: string;
  readonly status: "processing";
  readonly version: number;
}

export interface UploadIdempotency {
  /** Whether the key has a live (unexpired) attempt: then its replay, not the early cap check, decides. */
  hasLive(companyId: string, key: string): Promise<boolean>;
  /** Once the file is read: replay a stored answer, refuse (422 other request, 409 in flight), or claim. */
  decide(companyId: string, key: string, productId: string, sha256: string, log: FastifyBaseLogger): Promise<IdempotencyDecision>;
  /** Stores a committed answer. A failure here is logged: a retry rebuilds the answer from the product. */
  complete(claim: IdempotencyClaim, answer: CommittedAnswer, log: FastifyBaseLogger): Promise<void>;
  /** After a failed request: forgets the claim, unless its image was committed after all (or we cannot tell). */
  abandon(claim: IdempotencyClaim, log: FastifyBaseLogger): Promise<void>;
}

/** Reads the Idempotency-Key header; undefined when absent, 400 when malformed. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== "string" || !KEY_PATTERN.test(header)) throw new AppError("bad_request", IDEMPOTENCY_KEY_FORMAT_MESSAGE);
  return header;
}

export function createUploadIdempotency(deps: {
  readonly keys: IdempotencyRepository;
  readonly products: ProductRepository;
  readonly ttlMs: number;
  readonly inFlightTimeoutMs: number;
}): UploadIdempotency {
  const { keys, products } = deps;
  const inFlight = () => new AppError("conflict", IDEMPOTENCY_IN_FLIGHT_MESSAGE, { headers: { "retry-after": "1" } });

  /** The product as it holds the claim's image, when the image was committed. */
  async function committedProduct(claim: IdempotencyClaim): Promise<Product | null> {
    const product = await products.find(claim.companyId, claim.productId);
    return product?.images.some((entry) => entry.imageId === claim.imageId) ? product : null;
  }

  /** The 201 a request that died after its append would have sent, rebuilt from the product. */
  function answerFrom(product: Product, claim: IdempotencyClaim): IdempotencyResponse {
    const entry = product.images.find((candidate) => candidate.imageId === claim.imageId);
    const answer: CommittedAnswer = { imageUrl: entry?.url ?? "", imageUrls: imageUrlsOf(product), imageId: claim.imageId, status: "processing", version: product.version };
    return { status: 201, body: JSON.stringify(answer), etag: etagOf(product.version) };
  }

  return {
    async hasLive(companyId, key) {
      const latest = await keys.find(companyId, key);
      return latest !== null && latest.expiresAt.getTime() > Date.now();
    },

    async decide(companyId, key, productId, sha256, log) {
      const fingerprint = `${productId}:${sha256}`;
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        const now = Date.now();
        const latest = await keys.find(companyId, key);
        let attempt = (latest?.attempt ?? 0) + 1;
        if (latest && latest.expiresAt.getTime() > now) {
          if (latest.fingerprint !== fingerprint) throw new AppError("idempotency_key_reused", IDEMPOTENCY_KEY_REUSED_MESSAGE);
          if (latest.response) return { kind: "replay", response: latest.response };
          if (now - latest.createdAt.getTime() < deps.inFlightTimeoutMs) throw inFlight();
          // In flight for longer than any request lives: its process died. Committed or not?
          const product = await committedProduct(latest);
          if (product) {
            const response = answerFrom(product, latest);
            await keys.complete(companyId, key, latest.attempt, response);
            log.info({ imageId: latest.imageId }, "idempotency key: answered the committed upload of a request that died");
            return { kind: "replay", response };
          }
          attempt = latest.attempt + 1;
        }
        const claim: IdempotencyClaim = {
          companyId,
          key,
          attempt,
          fingerprint,
          productId,
          imageId: newObjectId(),
          createdAt: new Date(now),
          expiresAt: new Date(now + deps.ttlMs),
          response: null,
        };
        if (await keys.claim(claim)) return { kind: "claimed", claim };
      }
      throw inFlight();
    },

    async complete(claim, answer, log) {
      const response = { status: 201, body: JSON.stringify(answer), etag: etagOf(answer.version) };
      await keys.complete(claim.companyId, claim.key, claim.attempt, response).catch((error: unknown) => {
        log.warn({ err: error, imageId: claim.imageId }, "could not store the idempotent answer; a retry rebuilds it from the product");
      });
    },

    async abandon(claim, log) {
      try {
        if (await committedProduct(claim)) return;
        await keys.release(claim.companyId, claim.key, claim.attempt);
      } catch (error) {
        log.warn({ err: error, imageId: claim.imageId }, "could not release an idempotency key; it frees itself after the in-flight timeout");
      }
    },
  };
}
