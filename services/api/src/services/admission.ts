/**
 * A per-process counting semaphore without a queue: an upload either gets a slot now or is
 * told to come back (503 + Retry-After). Bounding uploads in flight bounds the memory they
 * hold, since each buffers at most one file.
 */
export interface Admission {
  /** A release function, or null when every slot is taken. */
  tryAcquire(): (() => void) | null;
  inFlight(): number;
}

export function createAdmission(slots: number): Admission {
  let taken = 0;
  return {
    tryAcquire() {
      if (taken >= slots) return null;
      taken++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        taken--;
      };
    },
    inFlight: () => taken,
  };
}
