// A benchmark case measures one figure of SettleLab and, in the same run, the bare baseline it is
// compared with (what the browser can do at best for the same work). ratio = value / baseline for
// rates; higher is better.

export type BenchRow = { name: string; value: number; unit: string; baseline: number; ratio: number; target?: number; limit?: number };

/** `target` bounds the ratio from below; `limit` bounds the value from above (sizes, times). */
export type BenchCase = { name: string; unit: string; target?: number; limit?: number; run: () => Promise<{ value: number; baseline: number }> };

/** Runs `fn` for at least `minMs` (and `minRuns` times) and returns operations per second. */
export async function ratePerSecond(opsPerRun: number, fn: () => Promise<void>, minMs = 1500, minRuns = 3): Promise<number> {
  const runsMax = 10_000;
  let runs = 0;
  const start = performance.now();
  while ((performance.now() - start < minMs || runs < minRuns) && runs < runsMax) {
    await fn();
    runs++;
  }
  return (runs * opsPerRun) / ((performance.now() - start) / 1000);
}

/** Median of five measurements, alternating case and baseline so drift hits both alike (this
 * machine's two cores are shared: single measurements vary by ±30%). */
export async function paired(caseFn: () => Promise<number>, baseFn: () => Promise<number>, rounds = 5): Promise<{ value: number; baseline: number }> {
  const values: number[] = [];
  const baselines: number[] = [];
  for (let i = 0; i < rounds; i++) {
    baselines.push(await baseFn());
    values.push(await caseFn());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { value: median(values), baseline: median(baselines) };
}
