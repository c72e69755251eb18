import { bearerSecurity, ifMatchHeaders, productIdParams } from "../common.schema.ts";
import { apiErrors, etagHeader, idempotentReplayedHeader, preconditionErrors, productErrors, success, uploadErrors, validationError } from "../responses.schema.ts";

const tags = ["images"];
const nullableString = { type: ["string", "null"] } as const;
const nullableInteger = { type: ["integer", "null"] } as const;

export const uploadImageSchema = {
  tags,
  summary: "Upload a product image",
  description:
    "multipart/form-data with one file in the field `file`: PNG, JPEG or WebP (judged by its bytes), at most 5 MiB (5,242,880 bytes), at most 20 images per product. The image is processed in the background; its status is listed by GET .../images. With an Idempotency-Key, a retry can never create a second image: a repeat (same key, same product, same file bytes by sha256) within 24 hours gets the first 201 again (body and ETag) with `Idempotent-Replayed: true`; a 4xx is not stored, so a fixed request may reuse the key.",
  security: bearerSecurity,
  consumes: ["multipart/form-data"],
  params: productIdParams,
  headers: {
    type: "object",
    properties: {
      "idempotency-key": {
        type: "string",
        minLength: 1,
        maxLength: 255,
        pattern: "^[\\x20-\\x7e]+$",
        description:
          "Optional: 1 to 255 printable ASCII characters, scoped to your company. Same key + same product + same file within 24 h: the first answer again. Same key, other product or file: 422. Same key while the first is in progress: 409 (retry).",
      },
    },
  },
  body: {
    type: "object",
    required: ["file"],
    properties: { file: { type: "string", format: "binary", description: "The image bytes." } },
  },
  response: {
    201: success(
      "Uploaded: the final public URL at once; the image is verified and processed in the background.",
      {
        type: "object",
        required: ["imageUrl", "imageUrls", "imageId", "status"],
        properties: {
          imageUrl: { type: "string" },
          imageUrls: { type: "array", items: { type: "string" } },
          imageId: { type: "string" },
          status: { type: "string", enum: ["processing"] },
        },
      },
      { ...etagHeader, ...idempotentReplayedHeader },
      ["etag"],
    ),
    ...apiErrors("products:write"),
    ...productErrors,
    ...uploadErrors,
  },
} as const;

export const deleteImageSchema = {
  tags,
  summary: "Remove one image by zero-based index",
  security: bearerSecurity,
  params: {
    type: "object",
    required: ["id", "index"],
    properties: { ...productIdParams.properties, index: { type: "string", description: "Zero-based index into imageUrls." } },
  },
  headers: ifMatchHeaders,
  response: {
    200: success(
      "Removed; the remaining imageUrls, in order.",
      {
        type: "object",
        required: ["imageUrls"],
        properties: { imageUrls: { type: "array", items: { type: "string" } }, version: { type: "integer" } },
      },
      etagHeader,
      ["etag"],
    ),
    ...apiErrors("products:write"),
    ...validationError({ "Bad index": "Image index must be a non-negative integer" }),
    404: {
      ...productErrors[404],
      description: "No such product, or no image at that index.",
      "x-examples": { ...productErrors[404]["x-examples"], "no-image": { summary: "No image at that index", value: { error: "No image at index 3" } } },
    },
    ...preconditionErrors,
  },
} as const;

const derivativeSchema = {
  type: "object",
  properties: {
    url: { type: "string" },
    width: { type: "integer" },
    height: { type: "integer" },
    format: { type: "string" },
    bytes: { type: "integer" },
  },
} as const;

export const listImagesSchema = {
  tags,
  summary: "Status of each image of a product, in imageUrls order",
  security: bearerSecurity,
  params: productIdParams,
  response: {
    200: success("Each image's status, in imageUrls order.", {
      type: "object",
      required: ["productId", "version", "images", "recentlyRejected"],
      properties: {
        productId: { type: "string" },
        version: { type: "integer" },
        images: {
          type: "array",
          items: {
            type: "object",
            properties: {
              index: { type: "integer" },
              url: { type: "string" },
              status: { type: "string", enum: ["processing", "ready", "rejected", "external"] },
              imageId: nullableString,
              format: nullableString,
              width: nullableInteger,
              height: nullableInteger,
              placeholder: { ...nullableString, description: "A tiny preview (thumbhash, base64) to show while loading." },
              dominantColor: { ...nullableString, description: "#rrggbb" },
              derivatives: { type: "array", items: derivativeSchema },
              rejectionReason: nullableString,
            },
          },
        },
        recentlyRejected: {
          type: "array",
          description: "Images of this product rejected by processing in the last 7 days; they are no longer in imageUrls.",
          items: {
            type: "object",
            properties: { imageId: { type: "string" }, url: { type: "string" }, reason: nullableString, rejectedAt: { type: "string", format: "date-time" } },
          },
        },
      },
    }, etagHeader, ["etag"]),
    ...apiErrors("products:read"),
    ...productErrors,
  },
} as const;
