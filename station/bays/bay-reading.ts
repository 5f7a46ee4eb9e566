// A motor-controller read turned into the contract's rickshaw reading, and the sanity check that keeps an absurd
// one (a garbled frame that passed its CRC, a controller in a bad state) from being published as a reading.

import type { RickshawReading } from '../../contract/rickshaws.ts';
import type { VescReadings } from '../../firmware-bridge/vesc/vesc-driver.ts';

/** Ranges outside which a value cannot be real on a 48 V rickshaw controller. */
const LIMITS = {
  inputV: [0, 150],
  tempC: [-60, 250],
  ampHours: [0, 1e7],
} as const;

const within = (v: number, [lo, hi]: readonly [number, number]): boolean => Number.isFinite(v) && v >= lo && v <= hi;

/** Why a read is not believable, or null when it is. */
export function implausible(v: VescReadings): string | null {
  if (!within(v.inputV, LIMITS.inputV)) return `input voltage ${v.inputV} V`;
  if (!within(v.tempFetC, LIMITS.tempC)) return `FET temperature ${v.tempFetC} °C`;
  if (!within(v.tempMotorC, LIMITS.tempC)) return `motor temperature ${v.tempMotorC} °C`;
  for (const k of ['ampHours', 'ampHoursCharged', 'wattHours', 'wattHoursCharged'] as const)
    if (!within(v[k], LIMITS.ampHours)) return `${k} ${v[k]}`;
  return null;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function toRickshawReading(v: VescReadings, controllerOdometerKm: number | null): RickshawReading {
  return {
    tachoKm: v.distanceKm === null ? null : round(v.distanceKm, 4),
    controllerOdometerKm: controllerOdometerKm === null ? null : round(controllerOdometerKm, 3),
    // The firmware keeps it in a C int; read as unsigned, as the odometer does.
    tachometerAbs: v.tachometerAbs >>> 0,
    tempMotorC: round(v.tempMotorC, 1),
    tempFetC: round(v.tempFetC, 1),
    inputV: round(v.inputV, 2),
    ampHours: round(v.ampHours, 4),
    ampHoursCharged: round(v.ampHoursCharged, 4),
    wattHours: round(v.wattHours, 3),
    wattHoursCharged: round(v.wattHoursCharged, 3),
    fault: { code: v.fault.code, name: v.fault.name },
  };
}
