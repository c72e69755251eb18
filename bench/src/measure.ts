/** Timing helpers shared by the benchmarks: every figure is a distribution, read after a warm-up. */

export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

/** Runs `once` `count` times one after another (after `warmUp` unmeasured runs); milliseconds each. */
export async function timeEach(count: number, once: (i: number) => Promise<unknown>, warmUp = Math.min(20, count)): Promise<Distribution> {
  for (let i = 0; i < warmUp; i++) await once(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await once(i);
    samples.push(performance.now() - started);
  }
  return distribution(samples);
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Runs `total` calls of `once`, `concurrency` at a time (closed loop); milliseconds each and the wall time. */
export async function closedLoop(total: number, concurrency: number, once: (i: number) => Promise<void>) {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const begun = performance.now();
        await once(i);
        samples.push(performance.now() - begun);
      }
    }),
  );
  return { wallS: (performance.now() - started) / 1000, latency: distribution(samples) };
}
