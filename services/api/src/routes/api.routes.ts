import type { FastifyInstance } from "fastify";
import type { BodyRate } from "../http/body-rate.watch.ts";
import rateLimitPlugin, { type RateLimitPluginOptions } from "../plugins/rate-limit.plugin.ts";
import type { Services } from "../services/create-services.ts";
import imageRoutes from "./images/image.routes.ts";
import uploadRoutes from "./images/upload.routes.ts";
import productRoutes from "./products/product.routes.ts";
import webhookRoutes from "./webhooks/webhook.routes.ts";

/**
 * Everything under /api/v1: authenticated, rate limited per credential (when `rateLimit` is
 * given), and every route must name the scope it needs.
 */
export default async function apiRoutes(
  app: FastifyInstance,
  {
    services,
    rateLimit,
    minUploadRate,
  }: { readonly services: Services; readonly rateLimit: RateLimitPluginOptions | null; readonly minUploadRate: BodyRate },
): Promise<void> {
  app.addHook("onRoute", (route) => {
    if (!route.config?.scope) throw new Error(`${route.method} ${route.url} declares no scope`);
  });
  app.addHook("onRequest", app.authorize);
  if (rateLimit) await app.register(rateLimitPlugin, rateLimit);

  await app.register(productRoutes, { prefix: "/products", services });
  await app.register(imageRoutes, { prefix: "/products", services });
  await app.register(uploadRoutes, { prefix: "/products", services, minUploadRate });
  await app.register(webhookRoutes, { prefix: "/webhooks", services });
}
