import { describe, expect, it } from "vitest";
import { type AdmissionEvent, createAdmission } from "./admission.ts";

const alice = { companyId: "acme", credentialId: "key-a" };
const alice2 = { companyId: "acme", credentialId: "key-b" };
const bob = { companyId: "globex", credentialId: "key-c" };

function release(admit: ReturnType<ReturnType<typeof createAdmission>["tryAcquire"]>): () => void {
  if (!admit.admitted) throw new Error(`refused by ${admit.scope}`);
  return admit.release;
}

describe("upload admission", () => {
  it("admits up to the process's slots, refuses past them, and frees a slot once per release", () => {
    const admission = createAdmission({ total: 2, perCompany: 10, perCredential: 10 });
    const a = release(admission.tryAcquire(alice));
    release(admission.tryAcquire(bob));
    expect(admission.tryAcquire(alice2)).toEqual({ admitted: false, scope: "process" });
    a();
    a();
    expect(admission.inFlight()).toBe(1);
    expect(admission.tryAcquire(alice).admitted).toBe(true);
    expect(admission.tryAcquire(alice).admitted).toBe(false);
  });

  it("one credential cannot take more than its share; another credential and another company still get in", () => {
    const admission = createAdmission({ total: 10, perCompany: 3, perCredential: 2 });
    release(admission.tryAcquire(alice));
    const second = release(admission.tryAcquire(alice));
    expect(admission.tryAcquire(alice)).toEqual({ admitted: false, scope: "credential" });
    release(admission.tryAcquire(alice2));
    expect(admission.tryAcquire(alice2)).toEqual({ admitted: false, scope: "company" });
    expect(admission.tryAcquire(bob).admitted).toBe(true);
    second();
    expect(admission.inFlightFor(alice)).toEqual({ company: 2, credential: 1 });
    expect(admission.tryAcquire(alice).admitted).toBe(true);
  });

  it("forgets callers with nothing in flight, and reports every decision to its listener", () => {
    const events: AdmissionEvent[] = [];
    const admission = createAdmission({ total: 1, perCompany: 1, perCredential: 1 }, (event) => events.push(event));
    const done = release(admission.tryAcquire(alice));
    admission.tryAcquire(bob);
    done();
    expect(admission.inFlightFor(alice)).toEqual({ company: 0, credential: 0 });
    expect(events).toEqual([
      { type: "admitted", inFlight: 1 },
      { type: "refused", scope: "process", inFlight: 1 },
      { type: "released", inFlight: 0 },
    ]);
  });
});
