import { type Command, Option } from "@commander-js/extra-typings";
import { type ApiKeyRecord, formatRateLimit, generateApiKey, parseRateLimit, parseScopes, type RateLimit, type Scope } from "@ingest/shared/auth";
import { type CommandContext, CommandFailure, requireCompanyId, UsageError } from "../command.ts";
import { durationUpTo } from "../option-parsers.ts";
import { runFor } from "../run-action.ts";

/** How long a rotated key keeps working by default: a day to roll the new one out. */
const DEFAULT_GRACE_MS = 24 * 3600_000;
const MAX_GRACE_MS = 30 * 24 * 3600_000;

/** Never the hash: it is not a secret by itself, but nothing here needs it. */
function keyRow({ lookupId, companyId, name, scopes, rateLimit, createdAt, revokedAt, expiresAt }: ApiKeyRecord) {
  return {
    lookupId,
    companyId,
    name,
    scopes,
    rateLimit: rateLimit ? formatRateLimit(rateLimit) : null,
    createdAt: createdAt.toISOString(),
    revokedAt: revokedAt ? revokedAt.toISOString() : null,
    expiresAt: expiresAt ? expiresAt.toISOString() : null,
  };
}

function stateOf(row: ReturnType<typeof keyRow>, now: number): string {
  if (row.revokedAt) return `revoked ${row.revokedAt}`;
  if (row.expiresAt) return Date.parse(row.expiresAt) <= now ? `expired ${row.expiresAt}` : `expires ${row.expiresAt}`;
  return "active";
}

function scopesFrom(text: string): Scope[] {
  let scopes: Scope[];
  try {
    scopes = parseScopes(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (scopes.length === 0) throw new UsageError("--scopes needs at least one scope");
  return scopes;
}

function rateLimitFrom(text: string): RateLimit {
  try {
    return parseRateLimit(text);
  } catch (error) {
    throw new UsageError(`--rate-limit: ${(error as Error).message}`);
  }
}

async function insertKey(context: CommandContext, companyId: string, name: string, scopes: readonly Scope[], rateLimit: RateLimit | null) {
  const { credentials } = await context.repositories();
  const { key, lookupId, hash } = generateApiKey();
  await credentials.insertApiKey({ lookupId, companyId, name, hash, scopes, rateLimit });
  return { key, lookupId };
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("create, list, revoke and rotate API keys");

  keys
    .command("create")
    .description("create an API key and print it once (only its hash is stored)")
    .requiredOption("--company <id>", "the company the key acts for")
    .requiredOption("--scopes <list>", "comma-separated: products:read,products:write,webhooks:write")
    .option("--name <name>", "a label for humans", "unnamed")
    .option("--rate-limit <budget>", "the key's own budget, <max>/<window> (20/s, 600/min, 5000/h), replacing RATE_LIMIT_REQUESTS and RATE_LIMIT_UPLOADS for it")
    .action((options, command) =>
      runFor(command, async (context) => {
        const companyId = requireCompanyId(options.company.trim());
        const scopes = scopesFrom(options.scopes);
        const rateLimit = options.rateLimit === undefined ? null : rateLimitFrom(options.rateLimit);
        const { credentials } = await context.repositories();
        if (!(await credentials.companyExists(companyId))) {
          throw new CommandFailure(`No company ${JSON.stringify(companyId)}. Create one with: pnpm cli companies create --name <name>`);
        }
        const name = options.name.trim() || "unnamed";
        const { key, lookupId } = await insertKey(context, companyId, name, scopes, rateLimit);
        const limit = rateLimit ? formatRateLimit(rateLimit) : null;
        context.result({ lookupId, companyId, name, scopes, rateLimit: limit, apiKey: key }, () => {
          context.note(`Created key ${lookupId} for company ${companyId} (${scopes.join(", ")}${limit ? `, limited to ${limit}` : ""}). It is shown only this once:`);
          context.out(key);
        });
      }),
    );

  keys
    .command("list")
    .description("list keys: lookup id, company, name, scopes, state (never the key or its hash)")
    .option("--company <id>", "only this company's keys")
    .action((options, command) =>
      runFor(command, async (context) => {
        const { credentials } = await context.repositories();
        const rows = (await credentials.listApiKeys(options.company)).map(keyRow);
        const now = Date.now();
        context.result(rows, () => {
          if (rows.length === 0) context.note("No keys.");
          for (const row of rows) {
            const limit = row.rateLimit ? `  limit ${row.rateLimit}` : "";
            context.out(`${row.lookupId}  ${row.companyId}  ${row.name}  ${row.scopes.join(",")}${limit}  created ${row.createdAt}  ${stateOf(row, now)}`);
          }
        });
      }),
    );

  keys
    .command("revoke")
    .description("refuse a key at once (every API replica within AUTH_CACHE_TTL_MS, at most 5 s)")
    .argument("<lookupId>", "the key's lookup id (keys list)")
    .action((lookupId, _options, command) =>
      runFor(command, async (context) => {
        const { credentials } = await context.repositories();
        if (!(await credentials.revokeApiKey(lookupId))) throw new CommandFailure(`No active key ${lookupId}.`);
        context.result({ lookupId, revoked: true }, () =>
          context.out(`Revoked key ${lookupId}; every replica refuses it within ${context.config.api.authCacheTtlMs} ms.`),
        );
      }),
    );

  keys
    .command("rotate")
    .description("make a new key with the same company, name and scopes; the old one keeps working for a grace period")
    .argument("<lookupId>", "the key to replace")
    .addOption(
      new Option("--grace <duration>", "how long the old key still works: 0, 90s, 30m, 24h, 7d; at most 30d")
        .argParser(durationUpTo(MAX_GRACE_MS, "30d"))
        .default(DEFAULT_GRACE_MS, "24h"),
    )
    .action((lookupId, options, command) =>
      runFor(command, async (context) => {
        const graceMs = options.grace;
        const { credentials } = await context.repositories();
        const old = await credentials.findApiKey(lookupId);
        const now = Date.now();
        if (!old || old.revokedAt || (old.expiresAt && old.expiresAt.getTime() <= now)) throw new CommandFailure(`No active key ${lookupId}.`);
        // The new key exists before the old one gets an end, so there is never a moment with neither.
        const { key, lookupId: newLookupId } = await insertKey(context, old.companyId, old.name, old.scopes, old.rateLimit);
        const oldExpiresAt = new Date(now + graceMs);
        await credentials.expireApiKey(lookupId, oldExpiresAt);
        const ends = (await credentials.findApiKey(lookupId))?.expiresAt ?? oldExpiresAt;
        context.result(
          { lookupId: newLookupId, companyId: old.companyId, name: old.name, scopes: old.scopes, apiKey: key, replaces: lookupId, oldKeyExpiresAt: ends.toISOString() },
          () => {
            context.note(`Key ${lookupId} keeps working until ${ends.toISOString()}. Its replacement ${newLookupId}, shown only this once:`);
            context.out(key);
          },
        );
      }),
    );
}
