import type { FastifyInstance } from "fastify";
import { principalOf } from "../../plugins/auth.plugin.ts";
import type { Services } from "../../services/create-services.ts";
import { etagOf } from "../../services/etag.ts";
import { deleteImageSchema, listImagesSchema } from "./image.schema.ts";

/** Reading image status and removing an image by index. Mounted at /api/v1/products. */
export default async function imageRoutes(app: FastifyInstance, { services }: { readonly services: Services }): Promise<void> {
  app.get<{ Params: { id: string } }>("/:id/images", { config: { scope: "products:read" }, schema: listImagesSchema }, async (request, reply) => {
    const view = await services.imageStatus.list(principalOf(request), request.params.id);
    return reply.header("etag", etagOf(view.version)).send(view);
  });

  app.delete<{ Params: { id: string; index: string } }>(
    "/:id/images/:index",
    { config: { scope: "products:write" }, schema: deleteImageSchema },
    async (request, reply) => {
      const { id, index } = request.params;
      const product = await services.products.removeImageAt(principalOf(request), id, index, request.headers["if-match"], request.log);
      return reply.header("etag", etagOf(product.version)).send({ imageUrls: product.images.map((entry) => entry.url), version: product.version });
    },
  );
}
