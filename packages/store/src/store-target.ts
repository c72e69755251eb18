import type { StoreSettings } from "@ingest/shared";

/**
 * A store named on a command line: `sqlite:<path>` (or a path ending in .sqlite / .db), or a
 * `mongodb://` / `mongodb+srv://` URL whose path names the database (default image_ingest).
 */
export function parseStoreTarget(text: string): StoreSettings {
  if (text.startsWith("mongodb://") || text.startsWith("mongodb+srv://")) {
    const url = new URL(text);
    const dbName = decodeURIComponent(url.pathname.replace(/^\//, "")) || "image_ingest";
    url.pathname = "/";
    return { kind: "mongodb", url: url.toString(), dbName };
  }
  const path = text.startsWith("sqlite:") ? text.slice("sqlite:".length) : text;
  if (path === "" || !(text.startsWith("sqlite:") || /\.(sqlite3?|db)$/.test(path))) {
    throw new Error(`"${text}" names no store: use sqlite:<path> or a mongodb:// URL`);
  }
  return { kind: "sqlite", path };
}
