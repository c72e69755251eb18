import type { FastifyInstance } from "fastify";
import { principalOf } from "../../plugins/auth.plugin.ts";
import type { Services } from "../../services/create-services.ts";
import { etagOf } from "../../services/etag.ts";
import type { CreateProductInput, UpdateProductInput } from "../../services/product.service.ts";
import { toProductView } from "../../services/product.view.ts";
import { createProductSchema, deleteProductSchema, getProductSchema, listProductsSchema, updateProductSchema } from "./product.schema.ts";

interface IdParams {
  id: string;
}

/** Products: create, read, list, update (replace imageUrls), delete. Mounted at /api/v1/products. */
export default async function productRoutes(app: FastifyInstance, { services }: { readonly services: Services }): Promise<void> {
  const read = { scope: "products:read" } as const;
  const write = { scope: "products:write" } as const;

  app.post<{ Body: CreateProductInput }>("", { config: write, schema: createProductSchema }, async (request, reply) => {
    const product = await services.products.create(principalOf(request), request.body);
    reply.header("etag", etagOf(product.version)).header("location", `${app.prefix}/${product.id}`);
    return reply.code(201).send(toProductView(product));
  });

  app.get<{ Querystring: { limit: number; cursor?: string } }>("", { config: read, schema: listProductsSchema }, async (request) => {
    const page = await services.products.list(principalOf(request), request.query);
    return { products: page.products.map(toProductView), nextCursor: page.nextCursor };
  });

  app.get<{ Params: IdParams }>("/:id", { config: read, schema: getProductSchema }, async (request, reply) => {
    const product = await services.products.get(principalOf(request), request.params.id);
    return reply.header("etag", etagOf(product.version)).send(toProductView(product));
  });

  app.patch<{ Params: IdParams; Body: UpdateProductInput }>("/:id", { config: write, schema: updateProductSchema }, async (request, reply) => {
    const { id } = request.params;
    const product = await services.products.update(principalOf(request), id, request.body, request.headers["if-match"], request.log);
    return reply.header("etag", etagOf(product.version)).send(toProductView(product));
  });

  app.delete<{ Params: IdParams }>("/:id", { config: write, schema: deleteProductSchema }, async (request, reply) => {
    await services.products.remove(principalOf(request), request.params.id, request.headers["if-match"], request.log);
    return reply.code(204).send();
  });
}
