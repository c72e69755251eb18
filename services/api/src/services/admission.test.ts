import { describe, expect, it } from "vitest";
import { createAdmission } from "./admission.ts";

describe("upload admission", () => {
  it("admits up to its slots, refuses past them, and frees a slot once per release", () => {
    const admission = createAdmission(2);
    const a = admission.tryAcquire();
    const b = admission.tryAcquire();
    expect(typeof a).toBe("function");
    expect(typeof b).toBe("function");
    expect(admission.tryAcquire()).toBeNull();
    a?.();
    a?.();
    expect(admission.inFlight()).toBe(1);
    expect(admission.tryAcquire()).not.toBeNull();
    expect(admission.tryAcquire()).toBeNull();
  });
});
