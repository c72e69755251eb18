import { AppError, DependencyUnavailableError } from "@ingest/shared";
import { describe, expect, it } from "vitest";
import { describeError } from "./error-handler.plugin.ts";

describe("describeError", () => {
  it("maps domain codes through the table, with their headers", () => {
    expect(describeError(new AppError("image_cap_reached", "full"))).toEqual({ status: 422, message: "full", headers: {}, severity: "refused" });
    expect(describeError(new AppError("body_too_slow", "slow"))).toEqual({ status: 408, message: "slow", headers: {}, severity: "refused" });
    expect(describeError(new AppError("busy", "later", { headers: { "retry-after": "1" } }))).toEqual({
      status: 503,
      message: "later",
      headers: { "retry-after": "1" },
      severity: "refused",
    });
  });

  it("keeps Fastify's own 4xx text, and hides everything else behind a generic 5xx", () => {
    const fastify4xx = Object.assign(new Error("Unsupported Media Type: application/xml"), { statusCode: 415, code: "FST_ERR_CTP_INVALID_MEDIA_TYPE" });
    expect(describeError(fastify4xx)).toMatchObject({ status: 415, message: "Unsupported Media Type: application/xml" });
    const leaky = Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:27017"), { statusCode: 400 });
    expect(describeError(leaky)).toEqual({ status: 500, message: "Internal server error", headers: {}, severity: "failed" });
    const mongoDown = Object.assign(new Error("Server selection timed out"), { name: "MongoServerSelectionError" });
    expect(describeError(mongoDown)).toMatchObject({ status: 503, headers: { "retry-after": "5" }, severity: "unavailable" });
    expect(describeError(new DependencyUnavailableError("storage", new Error("aborted")))).toEqual({
      status: 503,
      message: "Service temporarily unavailable; retry shortly.",
      headers: { "retry-after": "5" },
      severity: "unavailable",
    });
    expect(describeError("a string")).toMatchObject({ status: 500, severity: "failed" });
  });
});
