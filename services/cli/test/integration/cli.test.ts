import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { apiKeyMatches, parseConfig, type Repositories, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOnlyJson, runCli } from "../support/cli-process.ts";

let names: TestNames;
let env: Record<string, string>;
let store: Store;
let repositories: Repositories;
let dir: string;

beforeAll(async () => {
  names = uniqueTestNames("cli");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent" };
  store = await openStore(parseConfig(env).store);
  repositories = store.repositories;
  dir = await mkdtemp(join(tmpdir(), "cli-test-"));
});
afterAll(async () => {
  await store.close();
  await cleanUpTestData(testServices(), names);
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(env, ...args);
/** How the CLI names this test's own store on stderr. */
const storeLine = () => (store.kind === "sqlite" ? `store sqlite ${names.sqlitePath}` : `db ${names.database}`);

async function newCompany(): Promise<string> {
  const created = await cli("--json", "companies", "create", "--name", "Acme");
  expect(created.code).toBe(0);
  return (parseOnlyJson(created) as { companyId: string }).companyId;
}

// Every step starts a whole Node process.
describe("pnpm cli", { timeout: 120_000 }, () => {
  it("companies create and list", async () => {
    const companyId = await newCompany();
    expect(await repositories.credentials.companyExists(companyId)).toBe(true);
    const named = await cli("companies", "create", "--name", "Beta", "--id", `beta-${names.queuePrefix}`);
    expect(named.code).toBe(0);
    expect(named.stdout.trim()).toBe(`beta-${names.queuePrefix}`);

    const listed = parseOnlyJson(await cli("companies", "list", "--json")) as { companyId: string; name: string }[];
    expect(listed).toEqual(
      expect.arrayContaining([expect.objectContaining({ companyId, name: "Acme" }), expect.objectContaining({ companyId: `beta-${names.queuePrefix}`, name: "Beta" })]),
    );
    const again = await cli("companies", "create", "--name", "Beta", "--id", `beta-${names.queuePrefix}`, "--json");
    expect(again.code).toBe(1);
    expect(parseOnlyJson(again)).toEqual({ error: `Company beta-${names.queuePrefix} already exists.` });
  });

  it("keys create (printed once, stored as a hash), list, revoke", async () => {
    const companyId = await newCompany();
    const created = await cli("keys", "create", "--company", companyId, "--scopes", "products:read,products:write", "--name", "ci");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^tp_[A-Za-z0-9_-]{44,}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const lookupId = key.slice(3, 15);
    const record = await repositories.credentials.findApiKey(lookupId);
    expect(record).toMatchObject({ companyId, name: "ci", scopes: ["products:read", "products:write"], revokedAt: null, expiresAt: null });
    expect(record?.hash).not.toContain(key.slice(3));
    expect(apiKeyMatches(key, record!.hash)).toBe(true);

    const listed = await cli("keys", "list", "--company", companyId, "--json");
    expect(parseOnlyJson(listed)).toEqual([expect.objectContaining({ lookupId, companyId, name: "ci", revokedAt: null, expiresAt: null })]);
    expect(listed.stdout).not.toContain(record!.hash);
    expect(listed.stdout).not.toContain(key);

    expect((await cli("keys", "revoke", lookupId)).code).toBe(0);
    expect((await repositories.credentials.findApiKey(lookupId))?.revokedAt).toBeInstanceOf(Date);
    const again = await cli("keys", "revoke", lookupId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No active key/);
  });

  it("keys rotate: a new key with the same company, name and scopes; the old one ends after the grace period", async () => {
    const companyId = await newCompany();
    const old = parseOnlyJson(await cli("--json", "keys", "create", "--company", companyId, "--scopes", "products:read", "--name", "shop")) as {
      lookupId: string;
    };
    const before = Date.now();
    const rotated = await cli("keys", "rotate", old.lookupId, "--grace", "2h", "--json");
    expect(rotated.code).toBe(0);
    const result = parseOnlyJson(rotated) as { lookupId: string; apiKey: string; replaces: string; oldKeyExpiresAt: string; scopes: string[] };
    expect(result.replaces).toBe(old.lookupId);
    expect(result.lookupId).not.toBe(old.lookupId);
    expect(result.scopes).toEqual(["products:read"]);
    const fresh = await repositories.credentials.findApiKey(result.lookupId);
    expect(fresh).toMatchObject({ companyId, name: "shop", scopes: ["products:read"], revokedAt: null, expiresAt: null });
    expect(apiKeyMatches(result.apiKey, fresh!.hash)).toBe(true);
    const ends = (await repositories.credentials.findApiKey(old.lookupId))?.expiresAt;
    expect(ends?.toISOString()).toBe(result.oldKeyExpiresAt);
    expect(ends!.getTime() - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1_000);
    expect(ends!.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    // A second rotation never extends the old key's end; a zero grace ends it now.
    const now = await cli("keys", "rotate", old.lookupId, "--grace", "0");
    expect(now.code).toBe(0);
    expect((await repositories.credentials.findApiKey(old.lookupId))!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const dead = await cli("keys", "rotate", old.lookupId);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/No active key/);
    const list = await cli("keys", "list", "--company", companyId);
    expect(list.stdout).toMatch(new RegExp(`${old.lookupId} .* expired `));
    const badGrace = await cli("keys", "rotate", result.lookupId, "--grace", "forever");
    expect(badGrace.code).toBe(2);
  });

  it("keys create --rate-limit stores the key's own budget; list shows it; a bad budget is exit 2", async () => {
    const { companyId } = parseOnlyJson(await cli("companies", "create", "--name", "Limited", "--json")) as { companyId: string };
    const [created, bad] = await Promise.all([
      cli("keys", "create", "--company", companyId, "--scopes", "products:read", "--rate-limit", "600/min", "--json"),
      cli("keys", "create", "--company", companyId, "--scopes", "products:read", "--rate-limit", "lots"),
    ]);
    expect(created.code).toBe(0);
    const { lookupId, rateLimit } = parseOnlyJson(created) as { lookupId: string; rateLimit: string };
    expect(rateLimit).toBe("600/min");
    expect((await repositories.credentials.findApiKey(lookupId))?.rateLimit).toEqual({ max: 600, windowMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rate-limit: a rate limit is <max>\/<window>/);
    const listed = parseOnlyJson(await cli("keys", "list", "--company", companyId, "--json"));
    expect(listed).toEqual([expect.objectContaining({ lookupId, rateLimit: "600/min" })]);
  });

  it("tokens revoke <jti> --expires <iso>", async () => {
    const jti = `jti-${randomBytes(4).toString("hex")}`;
    const revoked = await cli("tokens", "revoke", jti, "--expires", "2030-01-01T00:00:00Z", "--json");
    expect(revoked.code).toBe(0);
    expect(parseOnlyJson(revoked)).toEqual({ jti, revoked: true, expiresAt: "2030-01-01T00:00:00.000Z" });
    expect(await repositories.credentials.isTokenRevoked(jti)).toBe(true);
    const [badDate, noDate] = await Promise.all([cli("tokens", "revoke", "jti-456", "--expires", "tomorrow"), cli("tokens", "revoke", "jti-456")]);
    expect(badDate.code).toBe(2);
    expect(noDate.code).toBe(2);
    expect(noDate.stderr).toMatch(/--expires/);
  });

  it("products create and show (with each image's status); another company's product is not found", async () => {
    const companyId = await newCompany();
    const created = await cli("--json", "products", "create", "--company", companyId, "--name", "Lamp", "--sku", "L-1");
    expect(created.code).toBe(0);
    const product = parseOnlyJson(created) as { productId: string; name: string; sku: string; version: number; images: unknown[] };
    expect(product).toMatchObject({ name: "Lamp", sku: "L-1", version: 1, images: [] });
    const shown = parseOnlyJson(await cli("products", "show", product.productId, "--company", companyId, "--json"));
    expect(shown).toMatchObject({ productId: product.productId, companyId, name: "Lamp", images: [] });
    const human = await cli("products", "show", product.productId, "--company", companyId);
    expect(human.stdout).toMatch(/"Lamp"\s+sku L-1\s+version 1/);

    const other = await newCompany();
    const hidden = await cli("products", "show", product.productId, "--company", other);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(/No product/);
    const long = await cli("products", "create", "--company", companyId, "--name", "x".repeat(201));
    expect(long.code).toBe(2);
    const ghost = await cli("products", "create", "--company", "ghost", "--name", "x");
    expect(ghost.code).toBe(1);
  });

  it("images status <imageId>", async () => {
    const companyId = await newCompany();
    const product = await repositories.products.create(companyId, { name: "P", sku: null, images: [] });
    const id = randomBytes(12).toString("hex");
    await repositories.images.insertStaged({
      id,
      companyId,
      productId: product.id,
      key: `${companyId}/x.png`,
      url: `http://example.test/${id}.png`,
      format: "png",
      contentType: "image/png",
      bytes: 10,
      sha256: null,
    });
    const status = await cli("images", "status", id, "--json");
    expect(status.code).toBe(0);
    expect(parseOnlyJson(status)).toMatchObject({ imageId: id, companyId, productId: product.id, status: "staged", derivatives: [] });
    const missing = await cli("images", "status", "0".repeat(24));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No image/);
  });

  it("demo --json seeds a company, a key with both scopes and a product; a second run reuses company and product", async () => {
    const first = await cli("demo", "--json");
    expect(first.code).toBe(0);
    const seed = parseOnlyJson(first) as { apiKey: string; companyId: string; productId: string };
    expect(Object.keys(seed).sort()).toEqual(["apiKey", "companyId", "productId"]);
    expect(seed.apiKey).toMatch(/^tp_/);
    expect(await repositories.products.find(seed.companyId, seed.productId)).not.toBeNull();
    const key = await repositories.credentials.findApiKey(seed.apiKey.slice(3, 15));
    expect(key?.scopes).toEqual(["products:read", "products:write"]);

    const second = parseOnlyJson(await cli("demo", "--json")) as typeof seed;
    expect(second.companyId).toBe(seed.companyId);
    expect(second.productId).toBe(seed.productId);
    expect(second.apiKey).not.toBe(seed.apiKey);
  });

  it("refuses bad usage with exit 2 and says why; an unknown company is exit 1; help is exit 0 on stdout", async () => {
    // Independent runs, started together: each is a whole process start.
    const [unknown, missing, badScope, badFlag, noCompany, help, keysHelp, none, jsonHelp] = await Promise.all([
      cli("frobnicate"),
      cli("keys", "create", "--scopes", "products:read"),
      cli("keys", "create", "--company", "x", "--scopes", "admin"),
      cli("keys", "list", "--nope"),
      cli("keys", "create", "--company", "ghost", "--scopes", "products:read", "--json"),
      cli("--help"),
      cli("keys", "--help"),
      cli(),
      cli("keys", "list", "--help", "--json"),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--company <id>'/);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/unknown scope/);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/unknown option '--nope'/);
    expect(noCompany.code).toBe(1);
    expect(noCompany.stderr).toMatch(/No company "ghost"/);
    expect(parseOnlyJson(noCompany)).toEqual({ error: expect.stringMatching(/No company "ghost"/) });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/reprocess/);
    expect(keysHelp.code).toBe(0);
    expect(keysHelp.stdout).toMatch(/rotate/);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    // Under --json nothing but JSON reaches stdout, not even help.
    expect(jsonHelp.code).toBe(0);
    expect(jsonHelp.stdout).toBe("");
    expect(jsonHelp.stderr).toMatch(/Usage: pnpm cli keys list/);
  });
});

describe("finding the local stack", { timeout: 60_000 }, () => {
  const serverVariables = () => {
    // What pnpm start writes: the service environment (here the test's servers and names).
    const { LOG_LEVEL: _level, ...rest } = env;
    return rest;
  };

  it("uses the stack file when the environment names no server, and says so on stderr", async () => {
    const file = join(dir, "stack.json");
    await writeFile(file, JSON.stringify({ version: 1, pid: process.pid, startedAt: new Date().toISOString(), apiUrl: "http://127.0.0.1:1", env: serverVariables() }));
    const listed = await runCli({ LOG_LEVEL: "silent" }, "--stack-file", file, "companies", "list", "--json");
    expect(listed.code).toBe(0);
    expect(Array.isArray(parseOnlyJson(listed))).toBe(true);
    expect(listed.stderr).toContain(`from ${file}, written by pnpm start (pid ${process.pid})`);
    expect(listed.stderr).toContain(storeLine());
    // The object store's secret is in the file, never on the terminal.
    expect(listed.stderr).not.toContain(env.S3_SECRET_ACCESS_KEY!);
  });

  it("an environment that names a server wins, and the stack file is not mixed in", async () => {
    const file = join(dir, "stale.json");
    await writeFile(file, JSON.stringify({ version: 1, pid: 0, env: { ...serverVariables(), MONGO_DB: "not_this_one", SQLITE_PATH: "/tmp/not-this-one.sqlite" } }));
    const listed = await runCli(env, "--stack-file", file, "companies", "list");
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(storeLine());
    expect(listed.stderr).toMatch(/from the environment \(it sets \w+, so .* is not used\)/);
  });

  it("a stack file that is not one is an error that says what to do", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{ not json");
    const run = await runCli({}, "--stack-file", file, "companies", "list", "--json");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not JSON; delete it and run "pnpm start" again/);
    expect(parseOnlyJson(run)).toEqual({ error: expect.stringMatching(/is not JSON/) });
  });
});
