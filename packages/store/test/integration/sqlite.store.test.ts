import { spawn } from "node:child_process";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { AppError, MAX_IMAGES_PER_PRODUCT, type Store } from "@ingest/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIAL_QUERIES } from "../../src/sqlite/credentials.sqlite.ts";
import { IDEMPOTENCY_QUERIES } from "../../src/sqlite/idempotency.sqlite.ts";
import { IMAGE_QUERIES } from "../../src/sqlite/images.sqlite.ts";
import { MIGRATIONS } from "../../src/sqlite/migrations.ts";
import { PRODUCT_QUERIES } from "../../src/sqlite/products.sqlite.ts";
import { openSqliteDatabase } from "../../src/sqlite/sqlite-database.ts";
import { openSqliteStore } from "../../src/sqlite/sqlite.store.ts";
import { WEBHOOK_QUERIES } from "../../src/sqlite/webhooks.sqlite.ts";
import { credentialContract } from "../contracts/credentials.contract.ts";
import { idempotencyContract } from "../contracts/idempotency.contract.ts";
import { webhookContract } from "../contracts/webhooks.contract.ts";
import { imageContract } from "../contracts/images.contract.ts";
import { productContract } from "../contracts/products.contract.ts";
import { openTestStore, type TestStoreHandle } from "../support/test-store.ts";

let handle: TestStoreHandle;
beforeAll(async () => {
  handle = await openTestStore("sqlite", "sqlite-contract");
});
afterAll(() => handle?.close());
const store = (): Store => handle.store;

describe("the SQLite store (node:sqlite, a real file)", () => {
  productContract(store);
  imageContract(store);
  credentialContract(store);
  idempotencyContract(store);
  webhookContract(store);

  it("answers every query from a primary key or an index, never by scanning a table", () => {
    const db = openSqliteDatabase(handle.names.sqlitePath);
    try {
      const queries = { ...PRODUCT_QUERIES, ...IMAGE_QUERIES, ...CREDENTIAL_QUERIES, ...IDEMPOTENCY_QUERIES, ...WEBHOOK_QUERIES };
      for (const [name, sql] of Object.entries(queries)) {
        const plan = db.plan(sql);
        // "SCAN <table>" without an index reads every row; json_each (a bound list) is not a table.
        const scans = plan.filter((step) => /^SCAN (?!json_each)/.test(step) && !/USING (COVERING )?INDEX/.test(step));
        expect({ name, scans }).toEqual({ name, scans: [] });
        expect({ name, sorts: plan.filter((step) => step.startsWith("USE TEMP B-TREE")) }).toEqual({ name, sorts: [] });
      }
      expect(Object.keys(queries).length).toBeGreaterThan(25);
    } finally {
      db.close();
    }
  });

  it("commits with synchronous=NORMAL by default and FULL when DURABILITY is power", () => {
    // PRAGMA synchronous is per connection: 1 is NORMAL, 2 is FULL.
    for (const [durability, level] of [["crash", 1], ["power", 2]] as const) {
      const db = openSqliteDatabase(handle.names.sqlitePath, { durability });
      try {
        expect({ durability, synchronous: db.get("PRAGMA synchronous") }).toEqual({ durability, synchronous: { synchronous: level } });
      } finally {
        db.close();
      }
    }
  });

  it("is in WAL mode and has applied every migration once", () => {
    const raw = new DatabaseSync(handle.names.sqlitePath);
    try {
      expect(raw.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      const versions = raw.prepare("SELECT version FROM schema_migrations ORDER BY version").all().map((row) => row.version);
      expect(versions).toEqual(MIGRATIONS.map((migration) => migration.version));
    } finally {
      raw.close();
    }
  });

  it("opens an existing file again without migrating twice, and refuses a schema newer than it knows", async () => {
    const again = await openSqliteStore(handle.names.sqlitePath);
    await again.close();
    const other = await openTestStore("sqlite", "sqlite-newer");
    try {
      const raw = new DatabaseSync(other.names.sqlitePath);
      raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(999, "from the future", Date.now());
      raw.close();
      await expect(openSqliteStore(other.names.sqlitePath)).rejects.toThrow(/schema version 999, newer than this build knows/);
    } finally {
      await other.close();
    }
  });

  it("turns a write lock held too long by another process into a 503-type error, not a hang", async () => {
    // A child process holds the write lock for longer than the busy timeout (5 s).
    const child = spawn(process.execPath, [
      "-e",
      `const {DatabaseSync}=require("node:sqlite");const d=new DatabaseSync(${JSON.stringify(handle.names.sqlitePath)});d.exec("BEGIN IMMEDIATE");process.stdout.write("locked\\n");setTimeout(()=>{d.exec("ROLLBACK");process.exit(0)},7000);`,
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`lock holder exited early (${code})`)));
      });
      const product = await store().repositories.products.create("company-lock", { name: "locked", sku: null, images: [] }).catch((error: unknown) => error);
      expect(product).toBeInstanceOf(AppError);
      expect(product).toMatchObject({ code: "dependency_unavailable", headers: { "retry-after": "1" } });
    } finally {
      child.kill();
    }
  }, 20_000);

  it("keeps the cap when separate processes append to one product at once", async () => {
    const product = await store().repositories.products.create("company-x", { name: "multi-process", sku: null, images: [] });
    const script = join(import.meta.dirname, "../support/append-from-process.ts");
    const runs = await Promise.all(
      [0, 1, 2].map(
        (worker) =>
          new Promise<{ won: number; refused: number }>((resolve, reject) => {
            const child = spawn(process.execPath, [script, handle.names.sqlitePath, "company-x", product.id, String(worker), "15"], { stdio: ["ignore", "pipe", "inherit"] });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => {
              output += chunk.toString();
            });
            child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`appender ${worker} exited ${code}`))));
          }),
      ),
    );
    expect(runs.reduce((sum, run) => sum + run.won, 0)).toBe(MAX_IMAGES_PER_PRODUCT);
    expect(runs.reduce((sum, run) => sum + run.refused, 0)).toBe(45 - MAX_IMAGES_PER_PRODUCT);
    const stored = await store().repositories.products.find("company-x", product.id);
    expect(stored?.images).toHaveLength(MAX_IMAGES_PER_PRODUCT);
    expect(new Set(stored?.images.map((entry) => entry.url)).size).toBe(MAX_IMAGES_PER_PRODUCT);
    expect(stored?.version).toBe(1 + MAX_IMAGES_PER_PRODUCT);
  }, 30_000);
});
