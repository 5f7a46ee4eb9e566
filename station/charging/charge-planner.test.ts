// The planner alone: limits per battery (bands, pre-charge, health, taper), the budget (base, override, time of day),
// priorities, bookings, and a property test that no plan ever exceeds the budget or a dock's limit.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetWatts, currentLimit, planCharging, type PlanCandidate } from './charge-planner.ts';
import { budgetConfigSchema, chargingConfig } from './charging-config.ts';
import { bmsReading, T0 } from './charging-test-kit.ts';

const cfg = chargingConfig();
const dock13 = { series: 13 as const, chargerMaxA: 10 };
const cand = (dock: number, over: Partial<PlanCandidate> = {}): PlanCandidate => ({
  dock,
  batteryId: `p${dock}`,
  socPct: 50,
  nominalAh: 14,
  voltageV: 54.6,
  maxA: 7,
  chargeable: true,
  full: false,
  cvDone: false,
  departureAt: null,
  ...over,
});
const H = 3_600_000;

describe('currentLimit', () => {
  it('0.5C of nominal capacity at room temperature, capped by the charger', () => {
    expect(currentLimit(bmsReading(), dock13, undefined, cfg).limitA).toBe(7);
    expect(currentLimit(bmsReading(), { series: 13, chargerMaxA: 4 }, undefined, cfg).limitA).toBe(4);
    expect(
      currentLimit(bmsReading(), { series: 13, chargerMaxA: 10, batteryMaxA: 5 }, undefined, cfg).batteryLimitA,
    ).toBe(5);
  });

  it('gentler near the edges of the temperature window, none outside it', () => {
    expect(currentLimit(bmsReading({ tempsC: [3, 20] }), dock13, undefined, cfg).limitA).toBeCloseTo(1.4);
    expect(currentLimit(bmsReading({ tempsC: [10] }), dock13, undefined, cfg).limitA).toBeCloseTo(2.8);
    expect(currentLimit(bmsReading({ tempsC: [43] }), dock13, undefined, cfg).limitA).toBeCloseTo(2.8);
    expect(currentLimit(bmsReading({ tempsC: [46] }), dock13, undefined, cfg)).toMatchObject({
      limitA: 0,
      why: expect.stringMatching(/temperature/),
    });
    expect(currentLimit(bmsReading({ tempsC: [-1] }), dock13, undefined, cfg).limitA).toBe(0);
  });

  it('gentler for low health, for deeply discharged cells, and tapering towards full', () => {
    expect(currentLimit(bmsReading(), dock13, { sohPct: 70 }, cfg).limitA).toBeCloseTo(3.5);
    expect(
      currentLimit(bmsReading({ cellsV: Array.from({ length: 13 }, () => 2.9) }), dock13, undefined, cfg).limitA,
    ).toBeCloseTo(1.4);
    expect(currentLimit(bmsReading({ socPct: 95 }), dock13, undefined, cfg).limitA).toBeCloseTo(7 * 0.6);
    expect(currentLimit(bmsReading({ socPct: 100 }), dock13, undefined, cfg).limitA).toBeCloseTo(7 * 0.2);
  });
});

describe('budgetWatts', () => {
  const b = budgetConfigSchema.parse({
    maxW: 5000,
    maxA: 20,
    schedule: [
      { from: '17:00', to: '21:00', maxW: 1000 },
      { from: '23:00', to: '02:00', maxA: 10 },
    ],
  });
  it('takes the tightest of W, A x grid V, the live override and the time-of-day window', () => {
    const at = (hh: number, mm = 0) => Date.UTC(2026, 2, 2, hh, mm);
    expect(budgetWatts(at(12), b)).toBe(4600);
    expect(budgetWatts(at(12), b, { maxW: 2000 })).toBe(2000);
    expect(budgetWatts(at(18, 30), b)).toBe(1000);
    expect(budgetWatts(at(21), b)).toBe(4600);
    expect(budgetWatts(at(1, 59), b)).toBe(2300);
    expect(budgetWatts(at(23, 30), b)).toBe(2300);
  });
  it('uses the station local offset for the schedule', () => {
    const local = budgetConfigSchema.parse({
      maxW: 5000,
      utcOffsetMin: 60,
      schedule: [{ from: '18:00', to: '19:00', maxW: 100 }],
    });
    expect(budgetWatts(Date.UTC(2026, 2, 2, 17, 30), local)).toBe(100);
  });
});

describe('planCharging', () => {
  it('soonest departure first, then lowest SoC', () => {
    const p = planCharging(
      [cand(1, { socPct: 10 }), cand(2, { socPct: 60, departureAt: T0 + 2 * H }), cand(3, { socPct: 30 })],
      [],
      500,
      T0,
      cfg,
    );
    // 500 W buys 8.24 A at 54.6 V / 0.9: dock 2 (departure) gets 7 A, dock 1 (lowest SoC) the rest, dock 3 nothing.
    expect(p.entries.get(2)?.grantA).toBe(7);
    expect(p.entries.get(1)?.grantA).toBeCloseTo(1.24, 2);
    expect(p.entries.get(3)?.grantA).toBe(0);
    expect(p.entries.get(3)?.needsCharge).toBe(true);
  });

  it('stops at the storage target unless a departure within the horizon needs more', () => {
    const p = planCharging(
      [
        cand(1, { socPct: 80 }),
        cand(2, { socPct: 80, departureAt: T0 + H }),
        cand(3, { socPct: 80, departureAt: T0 + 20 * H }),
      ],
      [],
      5000,
      T0,
      cfg,
    );
    expect(p.entries.get(1)).toMatchObject({ grantA: 0, targetSocPct: 80 });
    expect(p.entries.get(2)?.targetSocPct).toBe(100);
    expect(p.entries.get(2)?.grantA).toBeGreaterThan(0);
    expect(p.entries.get(3)).toMatchObject({ grantA: 0, targetSocPct: 80 });
  });

  it('a full battery resumes only below its target minus the hysteresis', () => {
    expect(planCharging([cand(1, { socPct: 78, full: true })], [], 5000, T0, cfg).entries.get(1)?.grantA).toBe(0);
    expect(planCharging([cand(1, { socPct: 76, full: true })], [], 5000, T0, cfg).entries.get(1)?.grantA).toBe(7);
  });

  it('a booking reserves the packs that can best make it and they charge first', () => {
    const cands = [
      cand(1, { socPct: 20 }),
      cand(2, { socPct: 85, chargeable: false }),
      cand(3, { socPct: 60 }),
      cand(4, { socPct: 70 }),
    ];
    const p = planCharging(cands, [{ id: 'ride-8', at: T0 + H, packs: 2, minSocPct: 90 }], 450, T0, cfg);
    // In 1 h at 7 A a 14 Ah pack gains 50 %: docks 3 and 4 can reach 100 %, the cold 85 % pack stays at 85 %.
    expect(p.bookings[0]?.docks.sort()).toEqual([3, 4]);
    expect(p.entries.get(3)?.bookingId).toBe('ride-8');
    // Among the booked packs the lower SoC goes first; the unbooked 20 % pack waits though its SoC is lowest.
    expect(p.entries.get(3)?.grantA).toBe(7);
    expect(p.entries.get(4)?.grantA).toBeGreaterThan(0);
    expect(p.entries.get(1)?.grantA).toBe(0);
    expect(p.entries.get(1)?.bookingId).toBeNull();
  });

  it('a booking that asks for more packs than there are says so', () => {
    const p = planCharging(
      [cand(1, { socPct: 95 })],
      [{ id: 'b', at: T0 + H, packs: 3, minSocPct: 90 }],
      1000,
      T0,
      cfg,
    );
    expect(p.bookings[0]).toMatchObject({ missing: 2, atRisk: true, docks: [1] });
  });

  it('projects the SoC at each departure in departure order under the budget', () => {
    const need = [
      cand(1, { socPct: 20, departureAt: T0 + 3 * H }),
      cand(2, { socPct: 20, departureAt: T0 + 5 * H }),
      cand(3, { socPct: 20, departureAt: T0 + 6 * H }),
    ];
    const p = planCharging(need, [], 300, T0, cfg);
    expect(p.entries.get(1)).toMatchObject({ atRisk: false, expectedSocPct: 100 });
    expect(p.entries.get(2)).toMatchObject({ atRisk: false, expectedSocPct: 100 });
    expect(p.entries.get(3)?.atRisk).toBe(true);
    expect(p.entries.get(3)?.expectedSocPct).toBeCloseTo(72, 0);
  });

  it('property: within the budget, within each limit, nothing for a dock that may not charge', () => {
    const candArb = fc.record({
      socPct: fc.integer({ min: 0, max: 100 }),
      nominalAh: fc.double({ min: 2, max: 40, noNaN: true }),
      series: fc.constantFrom(13, 14),
      maxA: fc.double({ min: 0, max: 20, noNaN: true }),
      chargeable: fc.boolean(),
      full: fc.boolean(),
      departIn: fc.option(fc.integer({ min: -H, max: 24 * H })),
    });
    fc.assert(
      fc.property(
        fc.array(candArb, { minLength: 1, maxLength: 64 }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        fc.nat({ max: 4 }),
        (cs, budgetW, nb) => {
          const cands = cs.map((c, i) =>
            cand(i + 1, { ...c, voltageV: c.series * 4.2, departureAt: c.departIn === null ? null : T0 + c.departIn }),
          );
          const bookings = Array.from({ length: nb }, (_, i) => ({
            id: `b${i}`,
            at: T0 + (i + 1) * H,
            packs: i + 1,
            minSocPct: 90,
          }));
          const p = planCharging(cands, bookings, budgetW, T0, cfg);
          let w = 0;
          for (const c of cands) {
            const g = p.entries.get(c.dock)?.grantA ?? 0;
            expect(g).toBeLessThanOrEqual(c.maxA + 1e-9);
            if (!c.chargeable) expect(g).toBe(0);
            if (g > 0) expect(g).toBeGreaterThanOrEqual(cfg.minCurrentA);
            w += (g * c.voltageV) / cfg.budget.efficiency;
          }
          expect(w).toBeLessThanOrEqual(budgetW + 1e-6);
          const reserved = p.bookings.flatMap((b) => b.docks);
          expect(new Set(reserved).size).toBe(reserved.length);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
