// Seeded pseudo-random numbers for the simulator: one seed always builds the same pack, so a scenario replays exactly.
// mulberry32 is tiny, fast and well mixed — plenty for manufacturing spread, never meant for anything secret.

/** mulberry32: a 32-bit-state generator; returns a function yielding numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source with the few distributions the pack model needs. */
export class SeededRandom {
  private readonly source: () => number;
  // Box-Muller makes normals in pairs; keeping the second halves the draws and keeps sequences reproducible.
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.source();
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.source();
  }

  /** Normal (Gaussian) with the given mean and standard deviation. */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    // 1 - u keeps the logarithm away from 0, since next() may return exactly 0.
    const u = 1 - this.source();
    const v = this.source();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Normal, cut at ±limitSd standard deviations: real cells are binned at the factory, so a pack never holds a
   * 5-sigma outlier by chance (a weak cell is configured on purpose instead).
   */
  truncatedNormal(mean: number, sd: number, limitSd = 3): number {
    const z = Math.max(-limitSd, Math.min(limitSd, this.normal()));
    return mean + sd * z;
  }
}
