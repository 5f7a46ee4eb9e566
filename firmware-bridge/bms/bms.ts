// What the station sees of any battery management system, whatever its protocol.

import type { DeviceCountersSnapshot } from '../bus/device-counters.ts';

export interface BmsReading {
  /** Stable identity of the pack: the BMS hardware id, plus a serial where the protocol has one. */
  id: string;
  voltageV: number;
  /** Positive while charging. */
  currentA: number;
  socPct: number;
  remainingAh: number;
  nominalAh: number;
  cycles: number;
  cellsV: number[];
  tempsC: number[];
  /** Names of the protection flags set (empty when none). */
  protection: string[];
  chargeFetOn: boolean;
  dischargeFetOn: boolean;
  balancing: number[];
}

export interface BmsDriver {
  readonly device: string;
  read(): Promise<BmsReading>;
  /** The BMS's own hardware id, read from the device (the first part of a reading's `id`). */
  readHardwareId(): Promise<string>;
  /** Opens or closes the BMS charge MOSFET: the last line of defence when a charger will not switch off. */
  setChargeFet(on: boolean): Promise<void>;
  counters(): DeviceCountersSnapshot;
}
