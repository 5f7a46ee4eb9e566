// Checks a battery before its charger may start: on insertion, and again while it rests in a dock. A battery that
// fails stays off with the reason shown and is marked "do not dispatch".

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargingConfig } from './charging-config.ts';
import type { BatteryHealth, DockChargeConfig } from './charging-types.ts';

export type QuarantineCode =
  | 'voltage-class'
  | 'charger-class'
  | 'temperature'
  | 'cell-spread'
  | 'cell-under-voltage'
  | 'cell-over-voltage'
  | 'bms-protection'
  | 'retire';

export interface QuarantineFailure {
  code: QuarantineCode;
  reason: string;
}

export interface QuarantineOptions {
  /** Also judge the temperature window (on insertion; a resting battery merely waits for the window). */
  temperature: boolean;
  /** Protection flags the station caused itself (its own charge FET lock): ignored. */
  ownFlags?: readonly string[];
}

/** The first failing check, or null when the battery may charge. Cheap: one pass over cells and sensors. */
export function quarantineCheck(
  bms: BmsReading,
  dock: DockChargeConfig,
  health: BatteryHealth | undefined,
  cfg: ChargingConfig,
  opts: QuarantineOptions,
): QuarantineFailure | null {
  const series = dock.series;
  const c = cfg.cells;
  // Voltage class: the cell count is decisive; the pack voltage must also fit that class, so a 14S pack with a
  // missing cell reading is not taken for 13S.
  if (bms.cellsV.length > 0 && bms.cellsV.length !== series) {
    return {
      code: 'voltage-class',
      reason: `battery has ${bms.cellsV.length} cells in series, dock is wired for ${series}S`,
    };
  }
  const lowV = series * c.minCellV;
  const highV = series * c.limitCellV;
  if (!(bms.voltageV >= lowV && bms.voltageV <= highV)) {
    return {
      code: 'voltage-class',
      reason: `pack at ${bms.voltageV.toFixed(2)} V does not fit a ${series}S dock (${lowV.toFixed(1)}..${highV.toFixed(1)} V)`,
    };
  }
  if (dock.chargerMaxV !== undefined && dock.chargerMaxV < series * c.cvCellV) {
    return {
      code: 'charger-class',
      reason: `charger reaches ${dock.chargerMaxV} V, a ${series}S pack needs ${(series * c.cvCellV).toFixed(1)} V`,
    };
  }
  if (health?.retire === true) return { code: 'retire', reason: 'battery is flagged for retirement' };
  if (health?.sohPct !== undefined && health.sohPct < cfg.lowHealth.retireBelowSohPct) {
    return {
      code: 'retire',
      reason: `state of health ${health.sohPct.toFixed(0)} % below ${cfg.lowHealth.retireBelowSohPct} %: retire`,
    };
  }
  const own = opts.ownFlags ?? [];
  const flags = bms.protection.filter((f) => !own.includes(f));
  if (flags.length > 0) return { code: 'bms-protection', reason: `BMS protection: ${flags.join(', ')}` };

  let lo = Infinity;
  let hi = -Infinity;
  for (const v of bms.cellsV) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (bms.cellsV.length > 0) {
    if (hi > c.limitCellV)
      return { code: 'cell-over-voltage', reason: `cell at ${hi.toFixed(3)} V above ${c.limitCellV} V` };
    if (lo < c.minCellV)
      return {
        code: 'cell-under-voltage',
        reason: `cell at ${lo.toFixed(3)} V below ${c.minCellV} V: deeply discharged`,
      };
    if (hi - lo > cfg.maxCellSpreadV) {
      return {
        code: 'cell-spread',
        reason: `cell spread ${((hi - lo) * 1000).toFixed(0)} mV above ${(cfg.maxCellSpreadV * 1000).toFixed(0)} mV`,
      };
    }
  }
  if (opts.temperature) {
    const t = cfg.temperature;
    if (bms.tempsC.length === 0) return { code: 'temperature', reason: 'battery reports no temperature' };
    for (const x of bms.tempsC) {
      if (!(x >= t.minC && x <= t.maxC))
        return { code: 'temperature', reason: `battery at ${x} °C, outside ${t.minC}..${t.maxC} °C` };
    }
  }
  return null;
}
