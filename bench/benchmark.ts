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
  /** When the figure was measured (ISO time); older files lack it. */
  measuredAt?: string;
}

/** The figures on file updated by a run: a re-measured name replaces its old figure in place, new names go last. */
export function mergeResults(earlier: readonly BenchResult[], fresh: readonly BenchResult[]): BenchResult[] {
  const byName = new Map(fresh.map((r) => [r.name, r]));
  const merged = earlier.map((r) => byName.get(r.name) ?? r);
  const known = new Set(earlier.map((r) => r.name));
  return [...merged, ...fresh.filter((r) => !known.has(r.name))];
}

/** p-th percentile (0..100) of a list of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
