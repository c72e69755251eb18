/** Schemas shared by several routes; they validate, serialize and feed the OpenAPI document. */
export const errorSchema = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "string" } },
  additionalProperties: false,
} as const;

export const bearerSecurity = [{ bearerAuth: [] }];

export const productIdParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", description: "Product ID (24 hex characters); anything else is 404." } },
} as const;

export const imageUrlsSchema = {
  type: "array",
  maxItems: 20,
  items: { type: "string", minLength: 1, maxLength: 2048, description: "An absolute http(s) URL." },
} as const;

export const productSchema = {
  type: "object",
  required: ["id", "name", "sku", "imageUrls", "version", "createdAt", "updatedAt"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    sku: { type: ["string", "null"] },
    imageUrls: { type: "array", items: { type: "string" } },
    version: { type: "integer", description: "Increases on every change; the ETag is its quoted value." },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
} as const;

export const ifMatchHeaders = {
  type: "object",
  properties: {
    "if-match": { type: "string", description: 'Optional: the product ETag (e.g. "7") this change is based on; 412 when stale.' },
  },
} as const;
