import { describe, expect, it } from "vitest";
import { imageJob, JOB_PARSERS, jobIdFor, PermanentJobError } from "./jobs.ts";

describe("image job payloads", () => {
  const image = { id: "a".repeat(24), companyId: "acme", productId: "b".repeat(24) };

  it("carry whose image it is, for the dashboard, and keep one job per image and purpose", () => {
    const job = imageJob(image);
    expect(job).toEqual({ imageId: image.id, companyId: "acme", productId: image.productId });
    expect(JOB_PARSERS["process-image"](job)).toEqual(job);
    expect(jobIdFor("process-image", job)).toBe(`process-image-${image.id}`);
    expect(jobIdFor("delete-image", { imageId: image.id })).toBe(`delete-image-${image.id}`);
  });

  it("drop malformed labels rather than trust them, and refuse a payload without a valid image id", () => {
    expect(JOB_PARSERS["delete-image"]({ imageId: image.id, companyId: "../../etc", productId: 42 })).toEqual({ imageId: image.id });
    expect(() => JOB_PARSERS["process-image"]({ companyId: "acme" })).toThrow(PermanentJobError);
    expect(() => JOB_PARSERS["process-image"](null)).toThrow(PermanentJobError);
  });
});
