import { AppError, contentTypeOfKey, type ImageRepository, isSafeKey, type Storage } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import { createFileCachePolicy } from "../../services/file-cache.ts";
import { errorSchema } from "../common.schema.ts";

/**
 * Serves stored images at the public base URL when no CDN or bucket website does it: only
 * safe keys with an image extension, with the right type, and `nosniff` so a browser never
 * runs a stored file as anything but an image.
 */
export default async function fileRoutes(
  app: FastifyInstance,
  { storage, images }: { readonly storage: Storage; readonly images: ImageRepository },
): Promise<void> {
  const notFound = () => new AppError("not_found", "File not found");
  const cacheControlFor = createFileCachePolicy(images);

  app.get<{ Params: { "*": string } }>(
    "/files/*",
    {
      schema: {
        tags: ["files"],
        summary: "A stored image (original or derivative)",
        params: { type: "object", properties: { "*": { type: "string", description: "Storage key" } } },
        response: {
          200: { description: "The image bytes", content: { "image/*": { schema: { type: "string", format: "binary" } } } },
          404: { description: "No such stored image (or an unsafe key).", ...errorSchema },
        },
      },
    },
    async (request, reply) => {
      const key = request.params["*"];
      const contentType = contentTypeOfKey(key);
      if (!isSafeKey(key) || !contentType.startsWith("image/")) throw notFound();
      const [object, cacheControl] = await Promise.all([storage.get(key), cacheControlFor(key)]);
      if (!object) throw notFound();
      reply.headers({
        "content-type": contentType,
        "content-length": object.contentLength,
        "x-content-type-options": "nosniff",
        "cache-control": cacheControl,
      });
      if (object.etag) reply.header("etag", object.etag);
      return reply.send(object.body);
    },
  );
}
