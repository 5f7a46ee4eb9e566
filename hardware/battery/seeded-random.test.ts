// Checks the seeded generator: reproducible per seed, distinct across seeds, and the distributions it claims.
import { describe, it, expect } from 'vitest';
import { mulberry32, SeededRandom } from './seeded-random.ts';

describe('mulberry32', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 20 }, () => a());
    const seqB = Array.from({ length: 20 }, () => b());
    const seqC = Array.from({ length: 20 }, () => c());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const next = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = next();
      if (x < 0 || x >= 1) outside++;
      const b = Math.floor(x * 10);
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});

describe('SeededRandom', () => {
  it('draws normals with the asked mean and standard deviation', () => {
    const rng = new SeededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(5, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(5, 1);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
  });

  it('cuts truncated normals at the limit', () => {
    const rng = new SeededRandom(9);
    for (let i = 0; i < 5000; i++) {
      const x = rng.truncatedNormal(1, 0.1, 2);
      expect(x).toBeGreaterThanOrEqual(0.8 - 1e-12);
      expect(x).toBeLessThanOrEqual(1.2 + 1e-12);
    }
  });

  it('keeps uniform draws inside the range', () => {
    const rng = new SeededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const x = rng.uniform(-3, 4);
      expect(x).toBeGreaterThanOrEqual(-3);
      expect(x).toBeLessThan(4);
    }
  });
});
