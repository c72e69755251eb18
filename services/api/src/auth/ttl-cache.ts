/**
 * A small per-process cache of pending-or-settled lookups. Concurrent requests for the same
 * key share one lookup; entries live at most `ttlMs` (so a revocation bites within it) and
 * the map never grows past `maxEntries` (a flood of random keys cannot exhaust memory).
 */
export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  clear(): void;
}

export function createTtlCache<V>(ttlMs: number, maxEntries = 10_000): TtlCache<V> {
  const entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  return {
    get(key, load) {
      if (ttlMs <= 0) return load();
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value;
      if (hit) entries.delete(key);
      if (entries.size >= maxEntries) {
        // Maps iterate in insertion order: drop the oldest entry.
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const value = load();
      entries.set(key, { value, expiresAt: now + ttlMs });
      // A failed lookup (database away) must not be remembered as an answer.
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}
