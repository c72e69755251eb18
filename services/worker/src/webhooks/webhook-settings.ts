/** What emitting and delivering webhooks read from the config (config.callers.webhooks, plus the public base URL). */
export interface WebhookSettings {
  readonly allowLoopback: boolean;
  readonly timeoutMs: number;
  readonly retryWindowMs: number;
  readonly retryBaseMs: number;
  readonly secretKeyHex: string | undefined;
  readonly publicBaseUrl: string;
}

/** The delay before a delivery's next attempt: the base, doubling, at most an hour, with ±20 % jitter. */
export function webhookBackoff(settings: Pick<WebhookSettings, "retryBaseMs">): (attemptsMade: number) => number {
  return (attemptsMade) => {
    const delay = Math.min(3_600_000, settings.retryBaseMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  };
}
