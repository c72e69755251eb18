import { DEFAULT_DURABILITY, type Store, type StoreSettings } from "@ingest/shared";

/**
 * Opens the configured store, with its schema or indexes in place. Each adapter is imported only
 * when chosen, so a process on SQLite never loads the MongoDB driver (and the reverse).
 */
export async function openStore(settings: StoreSettings): Promise<Store> {
  if (settings.kind === "sqlite") {
    const { openSqliteStore } = await import("./sqlite/sqlite.store.ts");
    return openSqliteStore(settings.path, { durability: settings.durability ?? DEFAULT_DURABILITY });
  }
  const { openMongoStore } = await import("./mongo/mongo.store.ts");
  return openMongoStore(settings.url, settings.dbName, settings.timeoutMs);
}
