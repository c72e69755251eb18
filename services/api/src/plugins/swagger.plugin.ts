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
        description: 'Every error body is { "error": "..." }. See services/api/README.md for the error table.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "A tp_ API key or an OAuth 2.0 access token (JWT)." },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
}

export default fp(swaggerPlugin, { name: "swagger", fastify: "5.x" });
