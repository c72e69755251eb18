/**
 * Error texts callers match on. The first four are published on the API page
 * (`upload-product-image`) and must not change by a single byte.
 */
export const NO_FILE_MESSAGE = "No file provided. Send as multipart/form-data with field name 'file'.";
export const FILE_TOO_LARGE_MESSAGE = "Image must be under 5MB";
export const UNSUPPORTED_TYPE_MESSAGE = "Unsupported MIME type — accepts image/png, image/jpeg, image/webp";
export const IMAGE_CAP_MESSAGE = "Product already has 20 images (max). Delete one first.";

export const PRODUCT_NOT_FOUND_MESSAGE = "Product not found";
export const SECOND_FILE_MESSAGE = "Send exactly one file per request, in the form field 'file'.";
export const EMPTY_FILE_MESSAGE = "The file is empty.";
export const MALFORMED_MULTIPART_MESSAGE = "Malformed multipart/form-data body.";
export const TOO_MANY_FIELDS_MESSAGE = "Too many form fields; send only the field 'file'.";
export const BUSY_MESSAGE = "Too many uploads in progress; retry shortly.";
export const BODY_TOO_SLOW_MESSAGE = "The upload arrived too slowly; send the body without pauses, or retry.";
export const PRECONDITION_MESSAGE = "The product has changed since the given ETag; fetch it again.";
export const INTERNAL_MESSAGE = "Internal server error";
export const UNAVAILABLE_MESSAGE = "Service temporarily unavailable; retry shortly.";
export const IDEMPOTENCY_KEY_FORMAT_MESSAGE = "Idempotency-Key must be 1 to 255 printable ASCII characters.";
export const IDEMPOTENCY_KEY_REUSED_MESSAGE = "This Idempotency-Key was already used for a different request (another product or another file); use a new key.";
export const IDEMPOTENCY_IN_FLIGHT_MESSAGE = "A request with this Idempotency-Key is still in progress; retry shortly.";
export const WEBHOOK_NOT_FOUND_MESSAGE = "Webhook endpoint not found";
