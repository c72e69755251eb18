import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** OpenAPI generated from the route schemas, at /docs (UI) and /docs/json. */
async function swaggerPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Image ingestion API",
        version: "1.0.0",
        description:
          'Every error body is { "error": "..." }; each operation lists the statuses it can return with example bodies. Every /api/v1 request spends a per-credential rate limit (x-ratelimit-* headers; 429 with Retry-After once spent). See services/api/README.md for the error table.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description:
              "`Authorization: Bearer <token>`: either a `tp_` API key (`pnpm cli keys create`; simplest, for server-to-server) or an OAuth 2.0 access token (a JWT from the configured issuer; scoped and revocable). Scopes: products:read, products:write.",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
}

export default fp(swaggerPlugin, { name: "swagger", fastify: "5.x" });
