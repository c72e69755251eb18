export const SCOPES = ["products:read", "products:write", "webhooks:write"] as const;
export type Scope = (typeof SCOPES)[number];

export function parseScopes(text: string): Scope[] {
  const values = text.split(/[\s,]+/).filter(Boolean);
  const unknown = values.filter((v) => !(SCOPES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new Error(`unknown scope(s): ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
  return [...new Set(values)] as Scope[];
}
