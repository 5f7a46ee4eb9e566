// What a benchmark module exports: named measurements with a unit, a target and which direction is better.

export interface Benchmark {
  /** Unique, readable; `npm run bench -- <text>` runs the ones whose name contains the text. */
  name: string;
  unit: string;
  target: number;
  better: 'lower' | 'higher';
  /** Runs the measurement and returns the figure in `unit`. */
  run(): Promise<number>;
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: number;
  better: 'lower' | 'higher';
}

/** p-th percentile (0..100) of a list of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
