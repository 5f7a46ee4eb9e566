// Combining sessions into estimates: inverse-variance means, "not enough data" rather than 0, the first resistance
// as the baseline, cycles by coulomb counting, and the imbalance trend only when enough full charges span the days.

import { describe, expect, it } from 'vitest';
import type { ChargeSession } from '../../contract/battery-health.ts';
import { estimateHealth, weightedMean } from './estimates.ts';

const DAY = 86_400_000;

function session(k: number, over: Partial<ChargeSession> = {}): ChargeSession {
  return {
    batteryId: 'p1',
    dock: 1,
    startedAt: k * DAY,
    endedAt: k * DAY + 3_600_000,
    endReason: 'full',
    nominalAh: 10,
    bmsCycles: 100 + k,
    startSocPct: 30,
    endSocPct: 100,
    chargedAh: 7,
    chargedWh: 350,
    equivalentCycles: 0.7,
    capacity: null,
    capacityWhyNot: 'rested 5 min before the charge, needs 30',
    resistance: [],
    imbalance: { restStartMv: 10, endOfChargeMv: 20 + k, highCell: 3, lowCell: 9 },
    temperature: {
      observedS: 3600,
      aboveHotS: 0,
      belowColdS: 0,
      hotLimitC: 45,
      coldLimitC: 0,
      maxC: 30,
      minC: 20,
    },
    ...over,
  };
}

describe('estimateHealth', () => {
  it('says not enough data (null, with a reason) when no session measured capacity or resistance', () => {
    const e = estimateHealth([session(1), session(2)]);
    expect(e.stateOfHealth.status).toBe('not-enough-data');
    expect(e.stateOfHealth.value).toBeNull();
    expect(e.stateOfHealth.reason).toMatch(/rested 5 min/);
    expect(e.stateOfHealth.reasonCode).toBe('no-capacity-session');
    expect(e.internalResistance.value).toBeNull();
    expect(e.internalResistance.reasonCode).toBe('no-current-step');
    expect(e.internalResistance.first).toBeNull();
    expect(e.equivalentCycles.value).toBeCloseTo(1.4);
    expect(e.equivalentCycles.bmsCycles).toBe(102);
  });

  it('says not enough data for everything with no session at all', () => {
    const e = estimateHealth([]);
    for (const x of [e.stateOfHealth, e.internalResistance, e.equivalentCycles, e.timeHot, e.imbalanceTrend])
      expect(x.value).toBeNull();
    // Each says why as a code the dashboard words; the trend with the figures it lacks.
    expect(e.stateOfHealth.reasonCode).toBe('no-session');
    expect(e.timeHot.reasonCode).toBe('no-temperature');
    expect(e.imbalanceTrend).toMatchObject({ reasonCode: 'trend-short', reasonParams: { has: 0, span: 0 } });
  });

  it('weights capacity measurements by their precision', () => {
    const cap = (ah: number, sigmaAh: number) => ({
      ah,
      sigmaAh,
      windowPct: 60,
      weakestCell: 2,
      startRestS: 3600,
      endRestS: 3600,
    });
    const e = estimateHealth([session(1, { capacity: cap(9, 0.01) }), session(2, { capacity: cap(8, 1) })]);
    expect(e.stateOfHealth.status).toBe('ok');
    expect(e.stateOfHealth.value).toBeCloseTo(90, 0);
    expect(e.stateOfHealth.sessions).toBe(2);
    expect(e.stateOfHealth.uncertainty).toBeGreaterThan(0);
  });

  it('keeps the first session’s resistance as the baseline and averages the newest', () => {
    const r = (at: number, ohm25: number) => ({
      at,
      fromA: 0,
      toA: 5,
      ohm: ohm25,
      tempC: 25,
      ohm25,
      sigmaOhm25: 0.001,
    });
    const e = estimateHealth([
      session(1, { resistance: [r(DAY, 0.1)] }),
      ...Array.from({ length: 10 }, (_, k) => session(k + 2, { resistance: [r((k + 2) * DAY, 0.16)] })),
    ]);
    expect(e.internalResistance.first).toBeCloseTo(100);
    expect(e.internalResistance.value).toBeCloseTo(160);
  });

  it('gives an imbalance trend only over enough full charges and days', () => {
    expect(estimateHealth([session(1), session(2)]).imbalanceTrend.status).toBe('not-enough-data');
    const e = estimateHealth(Array.from({ length: 8 }, (_, k) => session(k)));
    expect(e.imbalanceTrend.value).toBeCloseTo(7, 1); // 1 mV a day
    expect(e.cellImbalanceEndOfCharge.highCell).toBe(3);
  });

  it('weightedMean of nothing is null', () => {
    expect(weightedMean([])).toBeNull();
  });
});
