// A battery passport as GET /api/batteries/<id>/passport answers, typed by the contract, for the page tests: a state
// of health with its uncertainty, a resistance with "not enough data", two stays, two charge sessions (one ended by a
// fault), a cleared alert, and whatever work records the test added.
import type { Estimate, EstimateReasonCode, Passport, WorkRecord } from '../../contract/battery-health.ts';

const HOUR = 3_600_000;

const ok = (value: number, uncertainty: number | null, unit: string, sessions: number): Estimate => ({
  status: 'ok',
  value,
  uncertainty,
  unit,
  sessions,
  method: 'fixture method',
  updatedAt: Date.now() - HOUR,
});
const none = (unit: string, reasonCode: EstimateReasonCode, reason: string): Estimate => ({
  status: 'not-enough-data',
  value: null,
  uncertainty: null,
  unit,
  sessions: 0,
  method: 'fixture method',
  reason,
  reasonCode,
  updatedAt: null,
});

export function passportFor(batteryId: string, work: WorkRecord[], now = Date.now()): Passport {
  const session = (startedAt: number, endReason: 'full' | 'fault', endSocPct: number) => ({
    batteryId,
    stationId: 'demo-1',
    dock: 1,
    startedAt,
    endedAt: startedAt + 2 * HOUR,
    endReason,
    nominalAh: 20,
    bmsCycles: 212,
    startSocPct: 21,
    endSocPct,
    chargedAh: 15.2,
    chargedWh: 790,
    equivalentCycles: 0.76,
    capacity: null,
    capacityWhyNot: 'window too narrow',
    resistance: [],
    imbalance: { restStartMv: 12, endOfChargeMv: 18, highCell: 7, lowCell: 3 },
    temperature: { observedS: 7200, aboveHotS: 0, belowColdS: 0, hotLimitC: 45, coldLimitC: 0, maxC: 38.5, minC: 21 },
  });
  return {
    batteryId,
    retired: work.some((w) => w.kind === 'retired'),
    firstSeen: now - 72 * HOUR,
    lastSeen: now - 5000,
    nominalAh: 20,
    stays: [
      { stationId: 'demo-2', dock: 3, from: now - 72 * HOUR, to: now - 50 * HOUR },
      { stationId: 'demo-1', dock: 1, from: now - 26 * HOUR, to: now },
    ],
    sessions: [session(now - 70 * HOUR, 'fault', 64), session(now - 20 * HOUR, 'full', 100)],
    alerts: [
      {
        id: 1,
        subjectKind: 'battery',
        subjectId: batteryId,
        code: 'over-temperature',
        severity: 'warning',
        raisedAt: now - 69 * HOUR,
        clearedAt: now - 60 * HOUR,
        message: 'Pack ran above 45 °C in 3 sessions.',
        action: 'Check the dock fan.',
        recovery: 'No hot session for 9 hours.',
        value: 3,
      },
    ],
    estimates: {
      stateOfHealth: ok(91.5, 1.8, '%', 4),
      internalResistance: { ...none('mΩ', 'no-current-step', 'no current step measured yet'), first: null },
      equivalentCycles: { ...ok(41.2, null, 'cycles', 9), bmsCycles: 212 },
      cellImbalanceRest: ok(12, null, 'mV', 1),
      cellImbalanceEndOfCharge: { ...ok(18, null, 'mV', 1), highCell: 7 },
      imbalanceTrend: none('mV/week', 'trend-short', 'fewer than 3 sessions in 30 days'),
      timeHot: ok(0.5, null, 'h', 9),
      timeCold: ok(0, null, 'h', 9),
      sessions: 9,
    },
    trend: [
      {
        ts: now - 70 * HOUR,
        sohPct: 93,
        sohUncertainty: 3,
        resistanceMOhm: null,
        resistanceUncertainty: null,
        cycles: 40,
      },
      {
        ts: now - 20 * HOUR,
        sohPct: 91.5,
        sohUncertainty: 1.8,
        resistanceMOhm: null,
        resistanceUncertainty: null,
        cycles: 41,
      },
    ],
    workRecords: work,
  };
}
