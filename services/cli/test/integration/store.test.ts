import { cleanUpTestData, type TestNames, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { parseConfig, type Repositories, type Store } from "@ingest/shared";
import { openStore } from "@ingest/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOnlyJson, runCli } from "../support/cli-process.ts";

let names: TestNames;
let env: Record<string, string>;
let store: Store;
let repositories: Repositories;

beforeAll(async () => {
  names = uniqueTestNames("cli-store");
  env = { ...testServiceEnv(testServices(), names), LOG_LEVEL: "silent" };
  store = await openStore(parseConfig(env).store);
  repositories = store.repositories;
});
afterAll(async () => {
  await store.close();
  await cleanUpTestData(testServices(), names);
});

const cli = (...args: string[]) => runCli(env, ...args);

// Every step starts a whole Node process.
describe("pnpm cli store", { timeout: 120_000 }, () => {
  it("store copy moves the configured store into another one, and a second run copies nothing more", async () => {
    const target = uniqueTestNames("cli-store-copy");
    const product = await repositories.products.create("copy-co", { name: "Copied", sku: "C-1", images: [{ url: "https://x.test/a.png" }] });
    await repositories.credentials.createCompany("copy-co", "Copy Co");
    const otherKind = store.kind === "sqlite" ? "mongodb" : "sqlite";
    const url = otherKind === "mongodb" ? `${testServices().mongoUrl.replace(/\/?(\?.*)?$/, "")}/${target.database}` : `sqlite:${target.sqlitePath}`;
    try {
      const first = await cli("--json", "store", "copy", "--to", url);
      expect(first.stderr).toMatch(/copying (SQLite|MongoDB protocol at) .* → (SQLite|MongoDB protocol at) /);
      expect(first.code).toBe(0);
      const { report } = parseOnlyJson(first) as { report: Record<string, { read: number; written: number }> };
      expect(report.products!.written).toBeGreaterThanOrEqual(1);
      expect(report.companies!.written).toBeGreaterThanOrEqual(1);

      const copied = await openStore(otherKind === "mongodb" ? { kind: "mongodb", url: testServices().mongoUrl, dbName: target.database } : { kind: "sqlite", path: target.sqlitePath });
      try {
        expect(await copied.repositories.products.find("copy-co", product.id)).toEqual(product);
        expect(await copied.repositories.credentials.companyExists("copy-co")).toBe(true);
      } finally {
        await copied.close();
      }
      const second = await cli("store", "copy", "--to", url);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/products: \d+ read, 0 copied/);
      const nowhere = await cli("store", "copy", "--to", "postgres://nowhere/x");
      expect(nowhere.code).toBe(2);
      expect(nowhere.stderr).toMatch(/names no store/);
      const shown = await cli("--json", "store", "show");
      expect(parseOnlyJson(shown)).toEqual({ kind: store.kind, description: store.description });
    } finally {
      await cleanUpTestData(testServices(), target);
    }
  });
});
