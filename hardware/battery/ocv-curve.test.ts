// Checks the NMC OCV table: end points, monotonic shape, a realistic nominal voltage, and that the inverse and the
// energy integral agree with the curve itself.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { cellOcvIntegral, cellOcvV, cellSocAtOcv, NMC_OCV_TABLE, SOC_MAX, SOC_MIN } from './ocv-curve.ts';

describe('NMC OCV curve', () => {
  it('reads 3.0 V empty and 4.2 V full', () => {
    expect(cellOcvV(0)).toBeCloseTo(3.0, 9);
    expect(cellOcvV(1)).toBeCloseTo(4.2, 9);
  });

  it('rises strictly with state of charge', () => {
    for (let i = 1; i < NMC_OCV_TABLE.length; i++) {
      const prev = NMC_OCV_TABLE[i - 1];
      const cur = NMC_OCV_TABLE[i];
      if (prev === undefined || cur === undefined) throw new Error('table hole');
      expect(cur[0]).toBeGreaterThan(prev[0]);
      expect(cur[1]).toBeGreaterThan(prev[1]);
    }
  });

  it('interpolates linearly between points', () => {
    // 50 % = 3.72 V and 55 % = 3.75 V in the table, so 52.5 % sits halfway.
    expect(cellOcvV(0.525)).toBeCloseTo(3.735, 9);
  });

  it('has an NMC-like nominal (average over 0..100 %) of about 3.7 V', () => {
    const nominal = cellOcvIntegral(1) - cellOcvIntegral(0);
    expect(nominal).toBeGreaterThan(3.65);
    expect(nominal).toBeLessThan(3.75);
  });

  it('clamps outside the table', () => {
    expect(cellOcvV(SOC_MIN - 1)).toBe(cellOcvV(SOC_MIN));
    expect(cellOcvV(SOC_MAX + 1)).toBe(cellOcvV(SOC_MAX));
  });

  it('inverts: cellSocAtOcv(cellOcvV(s)) = s', () => {
    fc.assert(
      fc.property(fc.double({ min: SOC_MIN, max: SOC_MAX, noNaN: true }), (s) => {
        expect(cellSocAtOcv(cellOcvV(s))).toBeCloseTo(s, 9);
      }),
    );
  });

  it('integrates: the slope of the energy integral is the OCV', () => {
    fc.assert(
      fc.property(fc.double({ min: SOC_MIN + 0.001, max: SOC_MAX - 0.001, noNaN: true }), (s) => {
        const eps = 1e-6;
        const slope = (cellOcvIntegral(s + eps) - cellOcvIntegral(s - eps)) / (2 * eps);
        expect(Math.abs(slope - cellOcvV(s))).toBeLessThan(1e-3);
      }),
    );
  });
});
