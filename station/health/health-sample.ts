// One BMS reading as the health estimators see it: the reading itself and when it arrived.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';

export interface HealthSample {
  /** Epoch ms the reading arrived. */
  at: number;
  bms: BmsReading;
  /** The dock was in fault at this reading (ends the session as `fault`). */
  fault?: boolean;
}

/** Pack voltage for a step: the sum of the cell readings (1 mV each) when there are any, else the pack reading. */
export function stackVoltageV(s: HealthSample): number {
  const cells = s.bms.cellsV;
  if (cells.length === 0) return s.bms.voltageV;
  let sum = 0;
  for (const v of cells) sum += v;
  return sum;
}

/** Mean of the pack's temperature sensors, °C; null without any. */
export function meanTempC(s: HealthSample): number | null {
  const t = s.bms.tempsC;
  if (t.length === 0) return null;
  let sum = 0;
  for (const x of t) sum += x;
  return sum / t.length;
}
