import type { Command } from "@commander-js/extra-typings";
import { parseEventTypes, type WebhookEndpoint, type WebhookEventType } from "@ingest/shared/webhooks";
import { CommandFailure, requireCompanyId, UsageError } from "../command.ts";
import { runFor } from "../run-action.ts";

function eventTypesFrom(text: string): WebhookEventType[] {
  try {
    return parseEventTypes(text);
  } catch (error) {
    throw new UsageError(`--events: ${(error as Error).message}`);
  }
}

/** Never the secret, sealed or not. */
function endpointRow({ id, companyId, url, events, createdAt, disabledAt, disabledReason }: WebhookEndpoint) {
  return { id, companyId, url, events, createdAt: createdAt.toISOString(), disabledAt: disabledAt?.toISOString() ?? null, disabledReason };
}

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command("webhooks").description("register, list and remove a company's webhook endpoints; see deliveries; replay an event");

  webhooks
    .command("add")
    .description("register an endpoint and print its signing secret once (https only; http to loopback with WEBHOOKS_ALLOW_LOOPBACK=true)")
    .requiredOption("--company <id>", "the company whose events it receives")
    .requiredOption("--url <url>", "where events are POSTed")
    .requiredOption("--events <list>", "comma-separated: image.ready,image.rejected,image.deleted")
    .action((options, command) =>
      runFor(command, async (context) => {
        const companyId = requireCompanyId(options.company.trim());
        const events = eventTypesFrom(options.events);
        const repositories = await context.repositories();
        if (!(await repositories.credentials.companyExists(companyId))) throw new CommandFailure(`No company ${JSON.stringify(companyId)}.`);
        const { registerWebhookEndpoint, WebhookUrlError } = await import("@ingest/shared/webhooks");
        let registered: Awaited<ReturnType<typeof registerWebhookEndpoint>>;
        try {
          registered = await registerWebhookEndpoint(repositories.webhooks, { companyId, url: options.url, events }, context.config.callers.webhooks);
        } catch (error) {
          if (error instanceof WebhookUrlError) throw new CommandFailure(error.message);
          throw error;
        }
        const { endpoint, secret } = registered;
        context.result({ ...endpointRow(endpoint), secret }, () => {
          context.note(`Registered ${endpoint.id} for company ${companyId} (${events.join(", ")}). Its signing secret is shown only this once:`);
          context.out(secret);
        });
      }),
    );

  webhooks
    .command("list")
    .description("list endpoints: id, company, URL, events, state (disabled ones say why)")
    .option("--company <id>", "only this company's endpoints")
    .action((options, command) =>
      runFor(command, async (context) => {
        const { webhooks: repository } = await context.repositories();
        const rows = (await repository.listEndpoints(options.company)).map(endpointRow);
        context.result(rows, () => {
          if (rows.length === 0) context.note("No webhook endpoints.");
          for (const row of rows) {
            const state = row.disabledAt ? `disabled ${row.disabledAt}: ${row.disabledReason}` : "active";
            context.out(`${row.id}  ${row.companyId}  ${row.url}  ${row.events.join(",")}  ${state}`);
          }
        });
      }),
    );

  webhooks
    .command("remove")
    .description("remove an endpoint: nothing more is sent to it")
    .requiredOption("--company <id>", "the endpoint's company")
    .argument("<endpointId>")
    .action((endpointId, options, command) =>
      runFor(command, async (context) => {
        const { webhooks: repository } = await context.repositories();
        if (!(await repository.deleteEndpoint(requireCompanyId(options.company.trim()), endpointId))) throw new CommandFailure(`No endpoint ${endpointId} for that company.`);
        context.result({ removed: endpointId }, () => context.out(`Removed ${endpointId}.`));
      }),
    );

  webhooks
    .command("log")
    .description("an endpoint's latest delivery attempts, newest first: event, attempt, status, latency, error")
    .argument("<endpointId>")
    .option("--limit <n>", "how many attempts", "20")
    .action((endpointId, options, command) =>
      runFor(command, async (context) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError("--limit must be an integer from 1 to 500");
        const { webhooks: repository } = await context.repositories();
        const endpoint = await repository.findEndpoint(endpointId);
        if (!endpoint) throw new CommandFailure(`No endpoint ${endpointId}.`);
        const rows = (await repository.listDeliveries(endpointId, limit)).map((entry) => ({ ...entry, at: entry.at.toISOString() }));
        context.result({ endpoint: endpointRow(endpoint), deliveries: rows }, () => {
          if (endpoint.disabledAt) context.note(`Disabled ${endpoint.disabledAt.toISOString()}: ${endpoint.disabledReason}`);
          if (rows.length === 0) context.note("No delivery attempts yet.");
          for (const row of rows) {
            context.out(`${row.at}  ${row.eventId}  attempt ${row.attempt}  ${row.status ?? "no answer"}  ${row.latencyMs} ms  ${row.ok ? "ok" : (row.error ?? "failed")}`);
          }
        });
      }),
    );

  webhooks
    .command("replay")
    .description("send an event again to every enabled endpoint of its company subscribed to its type (a new retry window)")
    .argument("<eventId>")
    .action((eventId, _options, command) =>
      runFor(command, async (context) => {
        const { webhooks: repository } = await context.repositories();
        const event = await repository.findEvent(eventId);
        if (!event) throw new CommandFailure(`No event ${eventId}.`);
        const endpoints = (await repository.listEndpoints(event.companyId)).filter((endpoint) => !endpoint.disabledAt && endpoint.events.includes(event.type));
        const queue = await context.queue();
        // The tag makes each replay a new job (a finished delivery job of the same event stays as it was).
        const replay = `r${Date.now().toString(36)}`;
        for (const endpoint of endpoints) await queue.enqueue("deliver-webhook", { eventId, endpointId: endpoint.id, replay });
        context.result({ eventId, endpoints: endpoints.map((endpoint) => endpoint.id) }, () =>
          context.out(endpoints.length === 0 ? `No enabled endpoint of ${event.companyId} takes ${event.type}.` : `Queued ${eventId} for ${endpoints.map((endpoint) => endpoint.id).join(", ")}.`),
        );
      }),
    );
}
