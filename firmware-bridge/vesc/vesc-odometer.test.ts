import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TachoOdometer, metresPerTachoStep, tachoToKm } from './vesc-odometer.ts';

describe('VESC odometer', () => {
  const hub = { polePairs: 23, wheelCircumferenceM: 1.65 };

  it('one wheel turn of a hub motor is 6 × pole pairs tachometer steps', () => {
    expect(tachoToKm(6 * 23, hub)).toBeCloseTo(0.00165, 12);
  });

  it('matches the firmware formula π·d / (3 · poles · gear) per step', () => {
    const d = 0.5;
    const poles = 14;
    const gear = 4.2;
    const firmware = (Math.PI * d) / (3 * poles * gear);
    expect(metresPerTachoStep({ polePairs: poles / 2, wheelCircumferenceM: Math.PI * d, gearRatio: gear })).toBeCloseTo(
      firmware,
      15,
    );
  });

  it('reads a wrapped (negative) tachometer_abs as unsigned', () => {
    expect(tachoToKm(-1, hub)).toBeCloseTo(tachoToKm(0xffffffff, hub), 9);
  });

  it('rejects nonsense geometry', () => {
    expect(() => new TachoOdometer({ polePairs: 0, wheelCircumferenceM: 1 })).toThrow(RangeError);
    expect(() => new TachoOdometer({ polePairs: 10, wheelCircumferenceM: 1, gearRatio: Number.NaN })).toThrow(
      RangeError,
    );
  });

  it('adds up across VESC reboots (the count restarting from 0)', () => {
    const odo = new TachoOdometer(hub);
    odo.update(1000);
    odo.update(1600);
    odo.update(200); // rebooted, then rode 200 steps
    odo.update(500);
    expect(odo.totalSteps).toBe(600 + 200 + 300);
  });

  it('never decreases', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 30 }), (readings) => {
        const odo = new TachoOdometer(hub, 50);
        let last = odo.km;
        for (const r of readings) {
          const km = odo.update(r);
          if (km < last) return false;
          last = km;
        }
        return true;
      }),
    );
  });
});
