import { bearerSecurity, ifMatchHeaders, imageUrlsSchema, productIdParams, productSchema } from "../common.schema.ts";
import { apiErrors, etagHeader, preconditionErrors, productErrors, success, validationError } from "../responses.schema.ts";

const locationHeader = { location: { description: "The new product's URL.", type: "string" } };
const invalidBody = validationError({
  "Schema violation": "body must have required property 'name'",
  "Bad imageUrls": "imageUrls[0] must be an absolute http(s) URL",
});

const tags = ["products"];
const name = { type: "string", minLength: 1, maxLength: 200 } as const;
const sku = { type: ["string", "null"], maxLength: 100 } as const;

export const createProductSchema = {
  tags,
  summary: "Create a product",
  security: bearerSecurity,
  body: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: { name, sku, imageUrls: imageUrlsSchema },
  },
  response: {
    201: success("Created.", productSchema, { ...etagHeader, ...locationHeader }, ["etag", "location"]),
    ...apiErrors("products:write"),
    ...invalidBody,
  },
} as const;

export const getProductSchema = {
  tags,
  summary: "Read a product",
  description: "The ETag header carries the product version, for If-Match on later changes.",
  security: bearerSecurity,
  params: productIdParams,
  response: { 200: success("The product.", productSchema, etagHeader, ["etag"]), ...apiErrors("products:read"), ...productErrors },
} as const;

export const listProductsSchema = {
  tags,
  summary: "List the company's products, oldest first",
  security: bearerSecurity,
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: {
      limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
      cursor: { type: "string", description: "nextCursor of the previous page." },
    },
  },
  response: {
    200: success("One page of products.", {
      type: "object",
      required: ["products", "nextCursor"],
      properties: { products: { type: "array", items: productSchema }, nextCursor: { type: ["string", "null"] } },
    }),
    ...apiErrors("products:read"),
    ...validationError({ "Bad limit": "querystring/limit must be <= 100", "Bad cursor": "Invalid cursor" }),
  },
} as const;

export const updateProductSchema = {
  tags,
  summary: "Update a product (replacing imageUrls is allowed)",
  description:
    "Replacing imageUrls: at most 20 absolute http(s) URLs, no repeats. URLs that were uploaded images of this product stay managed; every other URL is external. Uploaded images no longer listed are deleted.",
  security: bearerSecurity,
  params: productIdParams,
  headers: ifMatchHeaders,
  body: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: { name, sku, imageUrls: imageUrlsSchema },
  },
  response: {
    200: success("The updated product.", productSchema, etagHeader, ["etag"]),
    ...apiErrors("products:write"),
    ...invalidBody,
    ...productErrors,
    ...preconditionErrors,
  },
} as const;

export const deleteProductSchema = {
  tags,
  summary: "Delete a product and free its uploaded images",
  security: bearerSecurity,
  params: productIdParams,
  headers: ifMatchHeaders,
  response: {
    204: success("Deleted.", { type: "null" }),
    ...apiErrors("products:write"),
    ...productErrors,
    ...preconditionErrors,
  },
} as const;
