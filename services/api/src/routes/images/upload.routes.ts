import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import type { BodyRate } from "../../http/body-rate.watch.ts";
import { createUploadSource } from "../../http/multipart-file.reader.ts";
import { principalOf } from "../../plugins/auth.plugin.ts";
import type { Services } from "../../services/create-services.ts";
import { etagOf } from "../../services/etag.ts";
import { parseIdempotencyKey } from "../../services/upload-idempotency.ts";
import type { UploadSource } from "../../services/upload.types.ts";
import { uploadImageSchema } from "./image.schema.ts";

/**
 * POST /api/v1/products/:id/images. Its own encapsulated context, because no body may be read
 * before the handler has checked the product and the cap: every media type is accepted unread
 * here. @fastify/multipart's parser only marks a form as multipart; the upload service streams
 * it (request.parts()) after its early checks, and answers 400 to anything else.
 */
export default async function uploadRoutes(
  app: FastifyInstance,
  { services, minUploadRate }: { readonly services: Services; readonly minUploadRate: BodyRate },
): Promise<void> {
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
  await app.register(multipart);

  app.post<{ Params: { id: string } }>(
    "/:id/images",
    {
      config: { scope: "products:write", deferContinue: true, rateLimitBucket: "uploads" },
      schema: uploadImageSchema,
      // The body schema above documents the multipart form for OpenAPI; the form itself is
      // checked while streaming, and ids are checked by lookup (malformed is 404, not 400).
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const source = countingBytes(createUploadSource(request, reply, minUploadRate), (bytes) => app.metrics.uploadBytes.inc(bytes));
      const idempotencyKey = parseIdempotencyKey(request.headers["idempotency-key"]);
      const outcome = await services.uploads.upload(principalOf(request), request.params.id, source, request.log, idempotencyKey);
      if (!outcome.replayed) return reply.code(201).header("etag", etagOf(outcome.result.version)).send(outcome.result);
      const { status, body, etag } = outcome.response;
      if (etag !== null) reply.header("etag", etag);
      return reply.code(status).header("idempotent-replayed", "true").send(JSON.parse(body));
    },
  );
}

/** The upload source, telling `count` how many file bytes it received. */
function countingBytes(source: UploadSource, count: (bytes: number) => void): UploadSource {
  return {
    isMultipart: source.isMultipart,
    declaredLength: source.declaredLength,
    async readFile(options) {
      const file = await source.readFile(options);
      count(file.body.size);
      return file;
    },
  };
}
