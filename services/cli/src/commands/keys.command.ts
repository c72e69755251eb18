import { formatRateLimit, generateApiKey, parseRateLimit, parseScopes, type RateLimit } from "@ingest/shared";
import { COMPANY_ID, parseCommandArgs, requireOption } from "../args.ts";
import { type Command, type CommandContext, UsageError } from "../command.ts";

const usage = `Usage:
  pnpm cli keys create --company <id> --scopes products:read,products:write [--name <name>] [--rate-limit 600/min] [--json]
      Creates an API key and prints it once (only its hash is stored). --rate-limit gives the key
      its own budget (<max>/<window>: 20/s, 600/min, 5000/h), replacing RATE_LIMIT_REQUESTS and
      RATE_LIMIT_UPLOADS for it.
  pnpm cli keys list [--company <id>] [--json]
  pnpm cli keys revoke <lookupId>
      Every API replica refuses the key within AUTH_CACHE_TTL_MS (at most 5 s).`;

async function createKey(args: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, {
    company: { type: "string" },
    scopes: { type: "string" },
    name: { type: "string" },
    "rate-limit": { type: "string" },
    json: { type: "boolean" },
  });
  const companyId = requireOption(values.company, "--company");
  let rateLimit: RateLimit | null = null;
  try {
    if (values["rate-limit"] !== undefined) rateLimit = parseRateLimit(values["rate-limit"]);
  } catch (error) {
    throw new UsageError(`--rate-limit: ${(error as Error).message}`);
  }
  let scopes: ReturnType<typeof parseScopes>;
  try {
    scopes = parseScopes(requireOption(values.scopes, "--scopes"));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (scopes.length === 0) throw new UsageError("--scopes needs at least one scope");
  const { credentials } = await context.repositories();
  if (!COMPANY_ID.test(companyId) || !(await credentials.companyExists(companyId))) {
    context.note(`No company ${JSON.stringify(companyId)}. Create one with: pnpm cli companies create --name <name>`);
    return 1;
  }
  const { key, lookupId, hash } = generateApiKey();
  const name = values.name?.trim() || "unnamed";
  await credentials.insertApiKey({ lookupId, companyId, name, hash, scopes, ...(rateLimit ? { rateLimit } : {}) });
  const limit = rateLimit ? formatRateLimit(rateLimit) : null;
  if (values.json) {
    context.out(JSON.stringify({ lookupId, companyId, name, scopes, rateLimit: limit, apiKey: key }));
  } else {
    const limitNote = limit ? `, limited to ${limit}` : "";
    context.note(`Created key ${lookupId} for company ${companyId} (${scopes.join(", ")}${limitNote}). It is shown only this once:`);
    context.out(key);
  }
  return 0;
}

async function listKeys(args: readonly string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { company: { type: "string" }, json: { type: "boolean" } });
  const { credentials } = await context.repositories();
  const keys = await credentials.listApiKeys(values.company);
  // Never the hash: it is not a secret by itself, but nothing here needs it.
  const rows = keys.map(({ lookupId, companyId, name, scopes, rateLimit, createdAt, revokedAt }) => ({
    lookupId,
    companyId,
    name,
    scopes,
    rateLimit: rateLimit ? formatRateLimit(rateLimit) : null,
    createdAt: createdAt.toISOString(),
    revokedAt: revokedAt ? revokedAt.toISOString() : null,
  }));
  if (values.json) {
    context.out(JSON.stringify(rows));
    return 0;
  }
  if (rows.length === 0) context.note("No keys.");
  for (const row of rows) {
    const state = row.revokedAt ? `revoked ${row.revokedAt}` : "active";
    const limit = row.rateLimit ? `  limit ${row.rateLimit}` : "";
    context.out(`${row.lookupId}  ${row.companyId}  ${row.name}  ${row.scopes.join(",")}${limit}  created ${row.createdAt}  ${state}`);
  }
  return 0;
}

async function revokeKey(args: readonly string[], context: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const [lookupId, ...extra] = positionals;
  if (!lookupId || extra.length > 0) throw new UsageError("keys revoke takes exactly one <lookupId>");
  const { credentials } = await context.repositories();
  if (!(await credentials.revokeApiKey(lookupId))) {
    context.note(`No active key ${lookupId}.`);
    return 1;
  }
  context.out(`Revoked key ${lookupId}; every replica refuses it within ${context.config.api.authCacheTtlMs} ms.`);
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, (args: readonly string[], context: CommandContext) => Promise<number>>> = {
  create: createKey,
  list: listKeys,
  revoke: revokeKey,
};

export const keysCommand: Command = {
  name: "keys",
  summary: "create, list and revoke API keys",
  usage,
  run([sub, ...rest], context) {
    const run = sub ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(sub ? `unknown subcommand "keys ${sub}"` : "keys needs a subcommand");
    return run(rest, context);
  },
};
