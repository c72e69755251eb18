import type { WebhookEventType } from "@ingest/shared";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../plugins/auth.plugin.ts";
import type { Services } from "../../services/create-services.ts";
import { createWebhookSchema, deleteWebhookSchema, listWebhooksSchema } from "./webhook.schema.ts";

/** A company's webhook endpoints: register, list (with the delivery log), remove. Mounted at /api/v1/webhooks. */
export default async function webhookRoutes(app: FastifyInstance, { services }: { readonly services: Services }): Promise<void> {
  const write = { scope: "webhooks:write" } as const;

  app.post<{ Body: { url: string; events: WebhookEventType[] } }>("", { config: write, schema: createWebhookSchema }, async (request, reply) => {
    return reply.code(201).send(await services.webhooks.create(principalOf(request), request.body));
  });

  app.get("", { config: write, schema: listWebhooksSchema }, async (request) => ({ webhooks: await services.webhooks.list(principalOf(request)) }));

  app.delete<{ Params: { id: string } }>("/:id", { config: write, schema: deleteWebhookSchema }, async (request, reply) => {
    await services.webhooks.remove(principalOf(request), request.params.id);
    return reply.code(204).send();
  });
}
