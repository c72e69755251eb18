import type { SqliteDatabase } from "./sqlite-database.ts";

/**
 * Forward-only schema migrations, applied in order at start inside one write transaction (so the
 * API and the worker starting together apply each exactly once). Never edit a released one: add
 * the next version. Every query's index is listed in packages/store/README.md.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE companies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX companies_by_created ON companies (created_at, id);

      CREATE TABLE api_keys (
        lookup_id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        expires_at INTEGER,
        rate_limit TEXT
      ) STRICT;
      CREATE INDEX api_keys_by_company ON api_keys (company_id, created_at);
      CREATE INDEX api_keys_by_created ON api_keys (created_at);

      CREATE TABLE revoked_tokens (
        jti TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);

      -- One row per product, changed in place inside BEGIN IMMEDIATE: the write lock makes the
      -- read-decide-write of a change atomic, so no revision scheme is needed here.
      CREATE TABLE products (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        sku TEXT,
        images TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      ) STRICT;
      CREATE INDEX products_live_by_company ON products (company_id, id) WHERE deleted_at IS NULL;

      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        key TEXT NOT NULL,
        url TEXT NOT NULL,
        format TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT,
        status TEXT NOT NULL,
        rejection_reason TEXT,
        rejection_detail TEXT,
        width INTEGER,
        height INTEGER,
        placeholder TEXT,
        dominant_color TEXT,
        derivatives TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX images_by_product ON images (company_id, product_id, created_at);
      -- Open work (staged, processing, removed) by age: what a reconcile pass reads.
      CREATE INDEX images_by_status_age ON images (status, updated_at);
      -- The audit's walk over one status in id order.
      CREATE INDEX images_by_status_id ON images (status, id);
    `,
  },
  {
    version: 2,
    name: "idempotency keys and webhooks",
    sql: `
      -- One row per attempt of a company's key; a claim is an INSERT under this primary key.
      CREATE TABLE idempotency_keys (
        company_id TEXT NOT NULL,
        key TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        product_id TEXT NOT NULL,
        image_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        response TEXT,
        PRIMARY KEY (company_id, key, attempt)
      ) STRICT;
      CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        sealed_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER,
        disabled_reason TEXT
      ) STRICT;
      CREATE INDEX webhook_endpoints_by_company ON webhook_endpoints (company_id, created_at);
      CREATE INDEX webhook_endpoints_by_created ON webhook_endpoints (created_at);

      CREATE TABLE webhook_events (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX webhook_events_by_created ON webhook_events (created_at);

      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        status INTEGER,
        latency_ms INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        error TEXT
      ) STRICT;
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, seq);
      CREATE INDEX webhook_deliveries_by_at ON webhook_deliveries (at);
    `,
  },
];

export function migrate(db: SqliteDatabase): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
  db.immediate(() => {
    const current = db.get<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations")?.version ?? 0;
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new Error(`the database ${db.path} has schema version ${current}, newer than this build knows (${latest}); run a newer build`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", migration.version, migration.name, Date.now());
    }
  });
}
