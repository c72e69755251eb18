import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { apiKeyMatches, connectMongo, createRepositories, type MongoConnection, type Repositories } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

let names: TestNames;
let env: Record<string, string>;
let mongo: MongoConnection;
let repositories: Repositories;

beforeAll(async () => {
  names = uniqueTestNames("cli");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent" };
  mongo = await connectMongo(env.MONGO_URL!, names.database);
  repositories = createRepositories(mongo.db);
});
afterAll(async () => {
  await mongo.close();
  await cleanUpTestData(testServices(), names);
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `pnpm cli …` is `node services/cli/src/main.ts …`: run it as its own process, as a user would. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Every step starts a whole Node process (the CLI loads the shared package, ~2 s on this machine).
describe("pnpm cli", { timeout: 120_000 }, () => {
  it("companies create, keys create (printed once, stored as a hash), list, revoke", async () => {
    const company = await cli("companies", "create", "--name", "Acme", "--json");
    expect(company.code).toBe(0);
    const { companyId } = JSON.parse(company.stdout);
    expect(await repositories.credentials.companyExists(companyId)).toBe(true);

    const created = await cli("keys", "create", "--company", companyId, "--scopes", "products:read,products:write", "--name", "ci");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^tp_[A-Za-z0-9_-]{44,}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const lookupId = key.slice(3, 15);
    const record = await repositories.credentials.findApiKey(lookupId);
    expect(record).toMatchObject({ companyId, name: "ci", scopes: ["products:read", "products:write"], revokedAt: null });
    expect(record?.hash).not.toContain(key.slice(3));
    expect(apiKeyMatches(key, record!.hash)).toBe(true);

    const listed = await cli("keys", "list", "--company", companyId, "--json");
    const rows = JSON.parse(listed.stdout);
    expect(rows).toEqual([expect.objectContaining({ lookupId, companyId, name: "ci", revokedAt: null })]);
    expect(listed.stdout).not.toContain(record!.hash);
    expect(listed.stdout).not.toContain(key);

    expect((await cli("keys", "revoke", lookupId)).code).toBe(0);
    expect((await repositories.credentials.findApiKey(lookupId))?.revokedAt).toBeInstanceOf(Date);
    const again = await cli("keys", "revoke", lookupId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No active key/);
  });

  it("keys create --rate-limit stores the key's own budget; list shows it; a bad budget is exit 2", async () => {
    const { companyId } = JSON.parse((await cli("companies", "create", "--name", "Limited", "--json")).stdout);
    const [created, bad] = await Promise.all([
      cli("keys", "create", "--company", companyId, "--scopes", "products:read", "--rate-limit", "600/min", "--json"),
      cli("keys", "create", "--company", companyId, "--scopes", "products:read", "--rate-limit", "lots"),
    ]);
    expect(created.code).toBe(0);
    const { lookupId, rateLimit } = JSON.parse(created.stdout);
    expect(rateLimit).toBe("600/min");
    expect((await repositories.credentials.findApiKey(lookupId))?.rateLimit).toEqual({ max: 600, windowMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rate-limit: a rate limit is <max>\/<window>/);
    const listed = JSON.parse((await cli("keys", "list", "--company", companyId, "--json")).stdout);
    expect(listed).toEqual([expect.objectContaining({ lookupId, rateLimit: "600/min" })]);
  });

  it("tokens revoke <jti> --expires <iso>", async () => {
    const revoked = await cli("tokens", "revoke", "jti-123", "--expires", "2030-01-01T00:00:00Z");
    expect(revoked.code).toBe(0);
    expect(await repositories.credentials.isTokenRevoked("jti-123")).toBe(true);
    const [badDate, noDate] = await Promise.all([cli("tokens", "revoke", "jti-456", "--expires", "tomorrow"), cli("tokens", "revoke", "jti-456")]);
    expect(badDate.code).toBe(2);
    expect(noDate.code).toBe(2);
  });

  it("demo --json seeds a company, a key with both scopes and a product; a second run reuses company and product", async () => {
    const first = await cli("demo", "--json");
    expect(first.code).toBe(0);
    const seed = JSON.parse(first.stdout);
    expect(Object.keys(seed).sort()).toEqual(["apiKey", "companyId", "productId"]);
    expect(seed.apiKey).toMatch(/^tp_/);
    const product = await repositories.products.find(seed.companyId, seed.productId);
    expect(product).not.toBeNull();
    const key = await repositories.credentials.findApiKey(seed.apiKey.slice(3, 15));
    expect(key?.scopes).toEqual(["products:read", "products:write"]);

    const second = JSON.parse((await cli("demo", "--json")).stdout);
    expect(second.companyId).toBe(seed.companyId);
    expect(second.productId).toBe(seed.productId);
    expect(second.apiKey).not.toBe(seed.apiKey);
  });

  it("refuses bad usage with exit 2 and says why; an unknown company is exit 1", async () => {
    // Independent runs, started together: each is a whole process start.
    const [unknown, missing, badScope, badFlag, noCompany, help, keysHelp] = await Promise.all([
      cli("frobnicate"),
      cli("keys", "create", "--scopes", "products:read"),
      cli("keys", "create", "--company", "x", "--scopes", "admin"),
      cli("keys", "list", "--nope"),
      cli("keys", "create", "--company", "ghost", "--scopes", "products:read"),
      cli("--help"),
      cli("keys", "--help"),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--company is required/);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/unknown scope/);
    expect(badFlag.code).toBe(2);
    expect(noCompany.code).toBe(1);
    expect(noCompany.stderr).toMatch(/No company "ghost"/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/keys/);
    expect(keysHelp.stdout).toMatch(/keys create --company/);
  });
});
