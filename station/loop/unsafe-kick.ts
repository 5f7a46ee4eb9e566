// An unsafe-looking BMS reading is acted on at once, not at the next scheduled tick: it kicks the charge loop.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargingConfig } from '../charging/charging-config.ts';
import type { StationDevices } from '../devices/dock-devices.ts';

/** Protection flags, a cell at its limit or a temperature outside the charging range. */
function looksUnsafe(reading: BmsReading, policy: ChargingConfig): boolean {
  return (
    reading.protection.length > 0 ||
    reading.cellsV.some((v) => v >= policy.cells.limitCellV) ||
    reading.tempsC.some((t) => t < policy.temperature.minC || t > policy.temperature.maxC)
  );
}

export function kickOnUnsafeReadings(devices: StationDevices, kick: () => void, policy: ChargingConfig): void {
  for (const dock of devices.docks) dock.bmsPoller.onReading((reading) => looksUnsafe(reading, policy) && kick());
}
