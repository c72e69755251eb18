import type { Command } from "@commander-js/extra-typings";
import { UsageError } from "../command.ts";
import { runFor } from "../run-action.ts";

export function registerTokensCommand(program: Command): void {
  const tokens = program.command("tokens").description("revoke OAuth access tokens by jti");

  tokens
    .command("revoke")
    .description("refuse the OAuth access token with this jti from now on")
    .argument("<jti>", "the token's jti claim")
    .requiredOption("--expires <iso-date>", "the token's own expiry: after it the revocation can be forgotten")
    .action((jti, options, command) =>
      runFor(command, async (context) => {
        const expiresAt = new Date(options.expires);
        if (Number.isNaN(expiresAt.getTime())) throw new UsageError(`--expires must be an ISO date, got "${options.expires}"`);
        const { credentials } = await context.repositories();
        await credentials.revokeToken(jti, expiresAt);
        context.result({ jti, revoked: true, expiresAt: expiresAt.toISOString() }, () =>
          context.out(`Revoked token ${jti} (until ${expiresAt.toISOString()}); every replica refuses it within ${context.config.api.authCacheTtlMs} ms.`),
        );
      }),
    );
}
