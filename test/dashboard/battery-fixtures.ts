// Made-up packs as GET /api/batteries lists them, typed by the HTTP contract: for the battery list's page tests and
// its benchmark. Deterministic: pack k always has the same figures.
import type { BatteryAlert, BatteryView } from '../../contract/http-api.ts';

/**
 * `n` packs over `n / 8` stations of 8 docks, seen between now and 10 days ago. Every 7th has no health estimate
 * yet, every 11th a fault alert, every 5th a warning; SoH runs from 62 % to 100 %.
 */
export function manyBatteries(n: number, now: number): BatteryView[] {
  return Array.from({ length: n }, (_, k): BatteryView => {
    const id = `B-${String(k + 1).padStart(4, '0')}`;
    const cells = Array.from({ length: 13 }, (_, i) => 3.9 + (i === 4 ? (k % 13) * 0.006 : 0));
    const alerts: BatteryAlert[] = [];
    if (k % 11 === 3)
      alerts.push({
        code: 'over-temperature',
        origin: 'reading',
        severity: 'fault',
        value: 58,
        message: `max temperature 58 °C`,
      });
    if (k % 5 === 2)
      alerts.push({
        code: 'cell-drift',
        origin: 'health',
        severity: 'warning',
        value: 62,
        message: 'Cell 5 keeps drifting. Rebalance the pack.',
      });
    const estimated = k % 7 !== 0;
    return {
      batteryId: id,
      stationId: `st-${String(Math.floor(k / 8) + 1).padStart(3, '0')}`,
      dock: (k % 8) + 1,
      ts: now - ((k * 7919) % 864_000) * 1000,
      latest: {
        id,
        socPct: 20 + (k % 80),
        voltageV: 50.7,
        currentA: k % 3 === 0 ? 4.5 : 0,
        cellsV: cells,
        tempsC: [24 + (k % 9)],
        cycles: 10 + ((k * 37) % 700),
        protection: [],
      },
      health: {
        stateOfHealthPct: estimated ? 62 + ((k * 13) % 39) : null,
        cycles: 10 + ((k * 37) % 700),
        cellSpreadMv: Math.round((k % 13) * 6),
        maxTempC: 24 + (k % 9),
        maxTempEverC: 40,
        internalResistanceMOhm: estimated ? 60 + ((k * 17) % 60) : null,
        alerts,
      },
    };
  });
}
