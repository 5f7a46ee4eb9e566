// The VESC fault codes (`mc_fault_code` in bldc datatypes.h, HEAD b9d287b), as names the dashboard can show.
// Codes 30–33 are recent; an older firmware never sends them, a newer one may send codes past 33 (named UNKNOWN_n).

export const VESC_FAULT_NAMES = [
  'NONE', // 0
  'OVER_VOLTAGE',
  'UNDER_VOLTAGE',
  'DRV',
  'ABS_OVER_CURRENT',
  'OVER_TEMP_FET', // 5
  'OVER_TEMP_MOTOR',
  'GATE_DRIVER_OVER_VOLTAGE',
  'GATE_DRIVER_UNDER_VOLTAGE',
  'MCU_UNDER_VOLTAGE',
  'BOOTING_FROM_WATCHDOG_RESET', // 10
  'ENCODER_SPI',
  'ENCODER_SINCOS_BELOW_MIN_AMPLITUDE',
  'ENCODER_SINCOS_ABOVE_MAX_AMPLITUDE',
  'FLASH_CORRUPTION',
  'HIGH_OFFSET_CURRENT_SENSOR_1', // 15
  'HIGH_OFFSET_CURRENT_SENSOR_2',
  'HIGH_OFFSET_CURRENT_SENSOR_3',
  'UNBALANCED_CURRENTS',
  'BRK',
  'RESOLVER_LOT', // 20
  'RESOLVER_DOS',
  'RESOLVER_LOS',
  'FLASH_CORRUPTION_APP_CFG',
  'FLASH_CORRUPTION_MC_CFG',
  'ENCODER_NO_MAGNET', // 25
  'ENCODER_MAGNET_TOO_STRONG',
  'PHASE_FILTER',
  'ENCODER_FAULT',
  'LV_OUTPUT_FAULT',
  'ENCODER_SLIP', // 30
  'OVERSPEED',
  'UNDERSPEED',
  'ABS_OVERSPEED', // 33
] as const;

export type VescFaultName = (typeof VESC_FAULT_NAMES)[number];

export interface VescFault {
  code: number;
  /** The firmware's enumerator without its `FAULT_CODE_` prefix, or `UNKNOWN_<code>`. */
  name: VescFaultName | `UNKNOWN_${number}`;
}

export function vescFault(code: number): VescFault {
  const name = VESC_FAULT_NAMES[code];
  return { code, name: name ?? `UNKNOWN_${code}` };
}

/** The code for a name, for simulators and tests (`vescFaultCode('UNDER_VOLTAGE') === 2`). */
export function vescFaultCode(name: VescFaultName): number {
  return VESC_FAULT_NAMES.indexOf(name);
}
