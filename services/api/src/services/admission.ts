/**
 * Counting semaphores without a queue: an upload either gets a slot now or is told to come back
 * (503 + Retry-After). Bounding uploads in flight bounds the memory they hold, since each buffers
 * at most one file. Three limits apply at once: the process's, the company's and the
 * credential's, so one caller (or one tenant with many keys) can never hold every slot.
 */
export interface AdmissionLimits {
  /** Uploads in flight in this process. */
  readonly total: number;
  /** Uploads in flight in this process for one company. */
  readonly perCompany: number;
  /** Uploads in flight in this process for one credential (API key or token). */
  readonly perCredential: number;
}

/** Which limit refused an upload. */
export type AdmissionScope = "process" | "company" | "credential";

export interface Caller {
  readonly companyId: string;
  readonly credentialId: string;
}

/** For metrics: one event per decision and per release. The listener must not throw. */
export type AdmissionEvent =
  | { readonly type: "admitted"; readonly inFlight: number }
  | { readonly type: "refused"; readonly scope: AdmissionScope; readonly inFlight: number }
  | { readonly type: "released"; readonly inFlight: number };

export type Admit = { readonly admitted: true; readonly release: () => void } | { readonly admitted: false; readonly scope: AdmissionScope };

export interface Admission {
  tryAcquire(caller: Caller): Admit;
  inFlight(): number;
  /** Uploads in flight for one company / credential (0 when none). */
  inFlightFor(caller: Caller): { readonly company: number; readonly credential: number };
}

export function createAdmission(limits: AdmissionLimits, onEvent: (event: AdmissionEvent) => void = () => {}): Admission {
  let taken = 0;
  // Entries are removed at zero, so the maps hold only callers with an upload in flight.
  const byCompany = new Map<string, number>();
  const byCredential = new Map<string, number>();
  const credentialKey = (caller: Caller): string => `${caller.companyId}\u0000${caller.credentialId}`;
  const add = (map: Map<string, number>, key: string, delta: number): void => {
    const next = (map.get(key) ?? 0) + delta;
    if (next <= 0) map.delete(key);
    else map.set(key, next);
  };

  return {
    tryAcquire(caller) {
      const credential = credentialKey(caller);
      const scope: AdmissionScope | null =
        (byCredential.get(credential) ?? 0) >= limits.perCredential
          ? "credential"
          : (byCompany.get(caller.companyId) ?? 0) >= limits.perCompany
            ? "company"
            : taken >= limits.total
              ? "process"
              : null;
      if (scope) {
        onEvent({ type: "refused", scope, inFlight: taken });
        return { admitted: false, scope };
      }
      taken++;
      add(byCompany, caller.companyId, 1);
      add(byCredential, credential, 1);
      onEvent({ type: "admitted", inFlight: taken });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        taken--;
        add(byCompany, caller.companyId, -1);
        add(byCredential, credential, -1);
        onEvent({ type: "released", inFlight: taken });
      };
      return { admitted: true, release };
    },
    inFlight: () => taken,
    inFlightFor: (caller) => ({ company: byCompany.get(caller.companyId) ?? 0, credential: byCredential.get(credentialKey(caller)) ?? 0 }),
  };
}
