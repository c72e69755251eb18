import { newObjectId } from "../ids/object-id.ts";
import { sealSecret } from "./secret-box.ts";
import type { WebhookRepository } from "./webhook.repository.ts";
import type { WebhookEndpoint, WebhookEventType } from "./webhook.types.ts";
import { newWebhookSecret } from "./webhook-signature.ts";
import { checkWebhookUrl } from "./webhook-url.ts";

export interface WebhookGuardSettings {
  readonly allowLoopback: boolean;
  readonly secretKeyHex: string | undefined;
}

/**
 * Registers a company's endpoint, for the API and the CLI alike: the URL passes the SSRF guard
 * (throws WebhookUrlError), a new secret is made and stored sealed, and returned this once.
 */
export async function registerWebhookEndpoint(
  webhooks: WebhookRepository,
  input: { readonly companyId: string; readonly url: string; readonly events: readonly WebhookEventType[] },
  settings: WebhookGuardSettings,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await checkWebhookUrl(input.url, settings.allowLoopback);
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = {
    id: `wh_${newObjectId()}`,
    companyId: input.companyId,
    url: input.url,
    events: [...new Set(input.events)],
    sealedSecret: sealSecret(secret, settings.secretKeyHex ? Buffer.from(settings.secretKeyHex, "hex") : undefined),
    createdAt: new Date(),
    disabledAt: null,
    disabledReason: null,
  };
  await webhooks.createEndpoint(endpoint);
  return { endpoint, secret };
}
