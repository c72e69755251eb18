import { AppError } from "@ingest/shared";
import { PRECONDITION_MESSAGE } from "../errors/error-messages.ts";

/** A product's version is its strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Whether an If-Match header lets a change to this version through (RFC 9110 §13.1.1): absent
 * or `*` always does; otherwise one listed tag must equal the current one, strongly (a weak
 * `W/` tag never matches).
 */
export function ifMatchAllows(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  const tags = header.split(",").map((tag) => tag.trim());
  return tags.includes("*") || tags.includes(etagOf(version));
}

/** For use inside a product decision: refuses the change when the caller's ETag is stale. */
export function assertIfMatch(header: string | undefined, version: number): void {
  if (!ifMatchAllows(header, version)) throw new AppError("precondition_failed", PRECONDITION_MESSAGE);
}
