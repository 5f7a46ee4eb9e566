// The loop measuring itself: tick duration and lateness (a window of recent ticks for percentiles), overruns.

export interface LoopStatsSnapshot {
  ticks: number;
  overruns: number;
  skipped: number;
  errors: number;
  durationP99Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
}

const WINDOW = 600;

export class LoopStats {
  ticks = 0;
  /** Ticks that took longer than the tick period. */
  overruns = 0;
  /** Ticks skipped because the loop fell more than a period behind. */
  skipped = 0;
  errors = 0;
  /** Extra ticks run at once for an unsafe-looking reading. */
  kicks = 0;
  private readonly durations = new Float64Array(WINDOW);
  private readonly lateness = new Float64Array(WINDOW);

  record(durationMs: number, latenessMs: number, periodMs: number): void {
    const i = this.ticks % WINDOW;
    this.durations[i] = durationMs;
    this.lateness[i] = latenessMs;
    this.ticks++;
    if (durationMs > periodMs) this.overruns++;
  }

  /** Lateness of the recent ticks, oldest first (for benchmarks). */
  recentLateness(): number[] {
    const n = Math.min(this.ticks, WINDOW);
    const out: number[] = [];
    for (let k = this.ticks - n; k < this.ticks; k++) out.push(this.lateness[k % WINDOW] ?? 0);
    return out;
  }

  snapshot(): LoopStatsSnapshot {
    const n = Math.min(this.ticks, WINDOW);
    const p99 = (a: Float64Array) => {
      const xs = Array.from(a.subarray(0, n)).sort((x, y) => x - y);
      return xs[Math.max(0, Math.ceil(0.99 * n) - 1)] ?? 0;
    };
    return {
      ticks: this.ticks,
      overruns: this.overruns,
      skipped: this.skipped,
      errors: this.errors,
      durationP99Ms: p99(this.durations),
      latenessP99Ms: p99(this.lateness),
      latenessMaxMs: n === 0 ? 0 : Math.max(...this.lateness.subarray(0, n)),
    };
  }
}
