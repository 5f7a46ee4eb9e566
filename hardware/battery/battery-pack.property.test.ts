// Property tests over random current sequences: SoC stays in range, and the electrical energy into the terminals
// equals the change in stored chemical energy plus the heat made plus the energy lost to capacity fade.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BatteryPack, MAX_SUBSTEP_S } from './battery-pack.ts';
import { SOC_MAX, SOC_MIN } from './ocv-curve.ts';

const stepArb = fc.record({
  // One internal sub-step at most, so the current is constant over each step measured here.
  dtS: fc.double({ min: 0.01, max: MAX_SUBSTEP_S, noNaN: true }),
  // As a C-rate, so small and large packs see the same stress: up to 3C on a ride, 1.5C on a charger.
  cRate: fc.double({ min: -3, max: 1.5, noNaN: true }),
  repeat: fc.integer({ min: 1, max: 100 }),
});

const packArb = fc.record({
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  series: fc.constantFrom(13 as const, 14 as const),
  capacityAh: fc.double({ min: 2, max: 30, noNaN: true }),
  socPct: fc.double({ min: 0, max: 100, noNaN: true }),
  ageCycles: fc.double({ min: 0, max: 1500, noNaN: true }),
});

describe('battery pack properties', () => {
  it('keeps SoC inside its range and conserves energy for any current sequence', () => {
    fc.assert(
      fc.property(packArb, fc.array(stepArb, { minLength: 1, maxLength: 20 }), (config, steps) => {
        const pack = new BatteryPack(config);
        const start = pack.truth();
        let terminalWh = 0;
        let throughputWh = 0;
        for (const { dtS, cRate, repeat } of steps) {
          const currentA = cRate * config.capacityAh;
          for (let k = 0; k < repeat; k++) {
            const ocv0 = pack.openCircuitVoltageV();
            const r = pack.resistanceOhm();
            const flowed = pack.step(dtS, currentA);
            const ocv1 = pack.openCircuitVoltageV();
            // Power at the terminals: the OCV part (trapezoid over the step) plus the I²R part.
            const wh = (flowed * ((ocv0 + ocv1) / 2 + flowed * r) * dtS) / 3600;
            terminalWh += wh;
            throughputWh += Math.abs(wh);

            // The current that flowed is never more than asked and never of the other sign.
            if (Math.abs(flowed) > Math.abs(currentA) + 1e-9 || flowed * currentA < 0) {
              throw new Error(`asked ${currentA} A, ${flowed} A flowed`);
            }
          }
          const soc = pack.socPct();
          expect(soc).toBeGreaterThanOrEqual(0);
          expect(soc).toBeLessThanOrEqual(100);
          for (const s of pack.truth().cellSocPct) {
            expect(s).toBeGreaterThanOrEqual(100 * SOC_MIN - 1e-9);
            expect(s).toBeLessThanOrEqual(100 * SOC_MAX + 1e-9);
          }
        }
        const end = pack.truth();
        const accounted =
          end.storedEnergyWh - start.storedEnergyWh + (end.heatWh - start.heatWh) + (end.fadeLossWh - start.fadeLossWh);
        expect(Math.abs(terminalWh - accounted)).toBeLessThan(0.001 * throughputWh + 1e-3);
      }),
      { numRuns: 60 },
    );
  });
});
