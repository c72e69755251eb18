export type DependencyName = "database" | "redis" | "storage";

export interface ReadinessReport {
  readonly ready: boolean;
  readonly dependencies: Record<DependencyName, { readonly ok: boolean; readonly error?: string }>;
}

/**
 * Asks every dependency at once, each with its own short timeout inside its ping, and reports
 * which ones did not answer. Error texts are kept generic enough to show to an operator.
 */
export async function checkDependencies(pings: Record<DependencyName, () => Promise<void>>): Promise<ReadinessReport> {
  const names = Object.keys(pings) as DependencyName[];
  const results = await Promise.allSettled(names.map((name) => pings[name]()));
  const dependencies = {} as Record<DependencyName, { ok: boolean; error?: string }>;
  names.forEach((name, index) => {
    const result = results[index];
    dependencies[name] =
      result?.status === "fulfilled" ? { ok: true } : { ok: false, error: describe(result?.reason) };
  });
  return { ready: Object.values(dependencies).every((d) => d.ok), dependencies };
}

function describe(reason: unknown): string {
  const text = reason instanceof Error ? reason.message : String(reason);
  return text.replace(/\/\/[^@/]*@/g, "//***@").slice(0, 200);
}
