import { parseCommandArgs, requireOption } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli tokens revoke <jti> --expires <ISO date>
      Refuses the OAuth access token with this jti from now on. --expires is the token's own
      expiry: after it the token is dead anyway and the revocation can be forgotten.`;

export const tokensCommand: Command = {
  name: "tokens",
  summary: "revoke OAuth access tokens by jti",
  usage,
  async run([sub, ...rest], context) {
    if (sub !== "revoke") throw new UsageError(sub ? `unknown subcommand "tokens ${sub}"` : "tokens needs a subcommand");
    const { values, positionals } = parseCommandArgs(rest, { expires: { type: "string" } });
    const [jti, ...extra] = positionals;
    if (!jti || extra.length > 0) throw new UsageError("tokens revoke takes exactly one <jti>");
    const expiresText = requireOption(values.expires, "--expires");
    const expiresAt = new Date(expiresText);
    if (Number.isNaN(expiresAt.getTime())) throw new UsageError(`--expires must be an ISO date, got "${expiresText}"`);
    const { credentials } = await context.repositories();
    await credentials.revokeToken(jti, expiresAt);
    context.out(`Revoked token ${jti} (until ${expiresAt.toISOString()}); every replica refuses it within ${context.config.api.authCacheTtlMs} ms.`);
    return 0;
  },
};
