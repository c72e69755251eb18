import type { FastifyInstance } from "fastify";
import type { BodyRate } from "../http/body-rate.watch.ts";
import type { Services } from "../services/create-services.ts";
import imageRoutes from "./images/image.routes.ts";
import uploadRoutes from "./images/upload.routes.ts";
import productRoutes from "./products/product.routes.ts";

/** Everything under /api/v1: authenticated, and every route must name the scope it needs. */
export default async function apiRoutes(
  app: FastifyInstance,
  { services, minUploadRate }: { readonly services: Services; readonly minUploadRate: BodyRate },
): Promise<void> {
  app.addHook("onRoute", (route) => {
    if (!route.config?.scope) throw new Error(`${route.method} ${route.url} declares no scope`);
  });
  app.addHook("onRequest", app.authorize);

  await app.register(productRoutes, { prefix: "/products", services });
  await app.register(imageRoutes, { prefix: "/products", services });
  await app.register(uploadRoutes, { prefix: "/products", services, minUploadRate });
}
