// A charge session as a station would publish it, for tests of the central side.

import type { ChargeSession } from '../../contract/battery-health.ts';

export function chargeSession(batteryId: string, k: number, over: Partial<ChargeSession> = {}): ChargeSession {
  const day = 86_400_000;
  const t0 = 1_700_000_000_000 + k * day;
  return {
    batteryId,
    dock: 1,
    startedAt: t0,
    endedAt: t0 + 3 * 3_600_000,
    endReason: 'full',
    nominalAh: 14,
    bmsCycles: 120 + k,
    startSocPct: 25,
    endSocPct: 100,
    chargedAh: 9.5,
    chargedWh: 480,
    equivalentCycles: 9.5 / 14,
    capacity: { ah: 12.6, sigmaAh: 0.05, windowPct: 75, weakestCell: 4, startRestS: 3600, endRestS: 1800 },
    capacityWhyNot: null,
    resistance: [{ at: t0 + 40_000, fromA: 1.4, toA: 7, ohm: 0.15, tempC: 25, ohm25: 0.15, sigmaOhm25: 0.002 }],
    imbalance: { restStartMv: 12, endOfChargeMv: 18, highCell: 4, lowCell: 9 },
    temperature: {
      observedS: 5 * 3600,
      aboveHotS: 0,
      belowColdS: 0,
      hotLimitC: 45,
      coldLimitC: 0,
      maxC: 33,
      minC: 21,
    },
    ...over,
  };
}
