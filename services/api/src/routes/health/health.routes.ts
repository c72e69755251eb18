import type { DependencyName } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/create-services.ts";
import { errorSchema } from "../common.schema.ts";

const dependencyStates = {
  type: "object",
  properties: {
    database: { type: "string", enum: ["ok", "unavailable"] },
    redis: { type: "string", enum: ["ok", "unavailable"] },
    storage: { type: "string", enum: ["ok", "unavailable"] },
  },
} as const;

/** Liveness (the process answers) and readiness (the database, Redis and storage each answer). */
export default async function healthRoutes(app: FastifyInstance, { services }: { readonly services: Services }): Promise<void> {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["health"],
        summary: "Liveness",
        response: { 200: { description: "The process answers.", type: "object", properties: { status: { type: "string" } } } },
      },
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness: 503 names the dependency that does not answer",
        response: {
          200: { description: "Every dependency answers.", type: "object", properties: { status: { type: "string" }, dependencies: dependencyStates } },
          503: {
            description: "A dependency does not answer (named in the text), or the server is shutting down.",
            ...errorSchema,
            headers: { "retry-after": { description: "Seconds to wait before asking again.", type: "string" } },
          },
        },
      },
    },
    async (request, reply) => {
      const report = await services.readiness();
      const entries = Object.entries(report.dependencies) as [DependencyName, { ok: boolean; error?: string }][];
      const dependencies = Object.fromEntries(entries.map(([name, state]) => [name, state.ok ? "ok" : "unavailable"]));
      if (report.ready) return { status: "ok", dependencies };
      const down = entries.filter(([, state]) => !state.ok).map(([name]) => name);
      // Causes go to the log for operators, not into the body.
      request.log.warn({ dependencies: report.dependencies }, "not ready");
      // Like every error, the body is { error } alone; it names what does not answer.
      return reply.code(503).header("retry-after", "5").send({ error: `Not ready: ${down.join(", ")} not answering` });
    },
  );
}
