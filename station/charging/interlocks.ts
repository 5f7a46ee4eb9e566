// Safety interlocks, checked first every tick for every dock whose charger is (or may be) on: each returns a named
// violation; any violation means that dock's charger goes off in the same tick. Also says when a fault's cause is gone.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import type { ChargerReading } from '../../firmware-bridge/charger/charger.ts';
import type { Fresh } from '../devices/device-poller.ts';
import type { ChargingConfig } from './charging-config.ts';

export type InterlockCode =
  | 'bms-protection'
  | 'cell-over-voltage'
  | 'temperature'
  | 'charger-over-voltage'
  | 'charger-over-current'
  | 'ignores-setpoint'
  | 'stale-bms'
  | 'stale-charger'
  | 'charger-not-off';

export interface Violation {
  code: InterlockCode;
  /** Serious faults need a person's acknowledgement after the cause is gone. */
  serious: boolean;
  message: string;
  data: Record<string, unknown>;
}

/** What the interlocks remember between ticks for one dock; the controller owns one per dock. */
export interface InterlockMemory {
  /** `at` of the last charger reading counted for the ignores-set-point check. */
  lastChargerAt: number | null;
  /** Charger readings in a row whose current was above the grant. */
  overGrantReadings: number;
  /** A reading since the last off command showed the output off. */
  confirmedOff: boolean;
}

export function newInterlockMemory(): InterlockMemory {
  return { lastChargerAt: null, overGrantReadings: 0, confirmedOff: false };
}

export interface InterlockInput {
  now: number;
  freshnessMs: number;
  series: number;
  bms: Fresh<BmsReading> | null;
  charger: Fresh<ChargerReading> | null;
  /** The station has told the charger to be on. */
  commandedOn: boolean;
  /** When the charger was last told off, epoch ms; null while it is meant to be on. */
  offAt: number | null;
  /** Current the station has granted, A. */
  grantedA: number;
  /** The battery's own charge limit (before derating), A; 0 when unknown. */
  batteryLimitA: number;
  /** Protection flags the station caused itself (it opened the charge FET): not a violation. */
  ownFlags?: readonly string[];
}

/** BMS flags after which charging may resume without a person: temperature, empty pack, our own FET lock. */
const MILD_PROTECTION = new Set([
  'charge-over-temperature',
  'charge-under-temperature',
  'discharge-over-temperature',
  'discharge-under-temperature',
  'cell-under-voltage',
  'pack-under-voltage',
  'discharge-over-current',
  'mosfet-software-lock',
]);

/** Unknown flags count as serious: a BMS we do not know better is not second-guessed. */
export function isSeriousProtection(flags: readonly string[]): boolean {
  return flags.some((f) => !MILD_PROTECTION.has(f));
}

export const fresh = <T>(r: Fresh<T> | null, now: number, limitMs: number): T | null =>
  r !== null && now - r.at <= limitMs ? r.value : null;

function foreignFlags(bms: BmsReading, own: readonly string[] | undefined): string[] {
  return own && own.length > 0 ? bms.protection.filter((f) => !own.includes(f)) : bms.protection;
}

const maxOf = (xs: readonly number[]): number => xs.reduce((m, x) => (x > m ? x : m), -Infinity);
const minOf = (xs: readonly number[]): number => xs.reduce((m, x) => (x < m ? x : m), Infinity);

/** Readings taken after the off command (and its settle time) that show energy still flowing. */
function energyAfterOff(
  x: InterlockInput,
  cfg: ChargingConfig,
): { charger: boolean; bms: boolean; chargerOff: boolean } {
  const after = (x.offAt ?? -Infinity) + cfg.charger.offSettleMs;
  const ch = fresh(x.charger, x.now, x.freshnessMs);
  const chAfter = ch !== null && x.charger !== null && x.charger.at >= after;
  const chargerOn = chAfter && (ch.outputOn || ch.currentA > cfg.charger.offCurrentA);
  const b = fresh(x.bms, x.now, x.freshnessMs);
  const bmsOn = b !== null && x.bms !== null && x.bms.at >= after && b.currentA > cfg.charger.offCurrentA;
  return { charger: chargerOn, bms: bmsOn, chargerOff: chAfter && !chargerOn };
}

/**
 * All violations for one dock, most fundamental first. Updates `mem` (reading counters, off confirmation).
 * Checks apply while the charger is meant to be on or is seen on; an idle battery is judged by quarantine instead.
 */
export function checkInterlocks(x: InterlockInput, mem: InterlockMemory, cfg: ChargingConfig): Violation[] {
  const out: Violation[] = [];
  const bms = fresh(x.bms, x.now, x.freshnessMs);
  const ch = fresh(x.charger, x.now, x.freshnessMs);
  // While off, only readings taken after the off command had time to act say the charger is (still) on.
  const current =
    x.commandedOn || (x.charger !== null && x.charger.at >= (x.offAt ?? -Infinity) + cfg.charger.offSettleMs);
  const seenOn = ch !== null && current && (ch.outputOn || ch.currentA > cfg.charger.offCurrentA);
  const active = x.commandedOn || seenOn;

  if (!x.commandedOn) {
    // Off was commanded: is it confirmed, and does energy still flow after the charger had time to obey?
    const e = energyAfterOff(x, cfg);
    if (e.chargerOff && !e.bms) mem.confirmedOff = true;
    const late = x.offAt !== null && x.now - x.offAt >= cfg.charger.offConfirmMs;
    if ((e.charger || e.bms) && (late || mem.confirmedOff)) {
      out.push({
        code: 'charger-not-off',
        serious: true,
        message: `charger does not switch off (${e.charger ? `output ${ch?.outputOn ? 'on' : 'off'}, ${ch?.currentA.toFixed(2)} A` : `battery still takes ${bms?.currentA.toFixed(2)} A`})`,
        data: {
          chargerOutputOn: ch?.outputOn ?? null,
          chargerCurrentA: ch?.currentA ?? null,
          bmsCurrentA: bms?.currentA ?? null,
          offAt: x.offAt,
        },
      });
    }
  }
  if (!active) return out;

  if (bms === null) {
    out.push({
      code: 'stale-bms',
      serious: false,
      message: x.bms ? `BMS reading ${x.now - x.bms.at} ms old` : 'no BMS reading',
      data: { ageMs: x.bms ? x.now - x.bms.at : null, limitMs: x.freshnessMs },
    });
  } else {
    const flags = foreignFlags(bms, x.ownFlags);
    if (flags.length > 0) {
      out.push({
        code: 'bms-protection',
        serious: isSeriousProtection(flags),
        message: `BMS protection: ${flags.join(', ')}`,
        data: { flags },
      });
    }
    const hi = maxOf(bms.cellsV);
    if (hi > cfg.cells.limitCellV) {
      out.push({
        code: 'cell-over-voltage',
        serious: true,
        message: `cell at ${hi.toFixed(3)} V above the ${cfg.cells.limitCellV} V limit`,
        data: { cellV: hi, limitV: cfg.cells.limitCellV },
      });
    }
    const tMin = minOf(bms.tempsC);
    const tMax = maxOf(bms.tempsC);
    const t = cfg.temperature;
    if (bms.tempsC.length === 0 || tMin < t.minC || tMax > t.maxC) {
      out.push({
        code: 'temperature',
        serious: false,
        message:
          bms.tempsC.length === 0
            ? 'no battery temperature'
            : `battery at ${tMin < t.minC ? tMin : tMax} °C, outside ${t.minC}..${t.maxC} °C`,
        data: { minC: tMin, maxC: tMax, windowC: [t.minC, t.maxC] },
      });
    }
  }

  if (x.commandedOn && ch === null) {
    out.push({
      code: 'stale-charger',
      serious: false,
      message: x.charger ? `charger reading ${x.now - x.charger.at} ms old` : 'no charger reading',
      data: { ageMs: x.charger ? x.now - x.charger.at : null, limitMs: x.freshnessMs },
    });
  }
  if (ch !== null && seenOn) {
    const tol = cfg.charger;
    const packLimitV = x.series * cfg.cells.limitCellV;
    if (ch.voltageV > ch.setVoltageV + tol.overVoltageTolV || ch.voltageV > packLimitV) {
      out.push({
        code: 'charger-over-voltage',
        serious: true,
        message: `charger output ${ch.voltageV.toFixed(2)} V above its set-point ${ch.setVoltageV.toFixed(2)} V or the pack limit ${packLimitV.toFixed(2)} V`,
        data: { voltageV: ch.voltageV, setVoltageV: ch.setVoltageV, packLimitV },
      });
    }
    const overSet = ch.currentA > ch.setCurrentA + tol.overCurrentTolA;
    const overBattery = x.batteryLimitA > 0 && ch.currentA > x.batteryLimitA + tol.overCurrentTolA;
    if (overSet || overBattery) {
      out.push({
        code: 'charger-over-current',
        serious: true,
        message: `charger output ${ch.currentA.toFixed(2)} A above ${overSet ? `its set-point ${ch.setCurrentA.toFixed(2)} A` : `the battery limit ${x.batteryLimitA.toFixed(2)} A`}`,
        data: { currentA: ch.currentA, setCurrentA: ch.setCurrentA, batteryLimitA: x.batteryLimitA },
      });
    }
  }
  if (x.commandedOn && ch !== null && x.charger !== null && x.charger.at !== mem.lastChargerAt) {
    // Counted per new reading, not per tick: a charger needs a poll or two to follow a lowered grant.
    mem.lastChargerAt = x.charger.at;
    mem.overGrantReadings = ch.currentA > x.grantedA + cfg.charger.overCurrentTolA ? mem.overGrantReadings + 1 : 0;
    if (mem.overGrantReadings >= cfg.charger.ignoreSetpointReadings) {
      out.push({
        code: 'ignores-setpoint',
        serious: true,
        message: `charger delivers ${ch.currentA.toFixed(2)} A for ${mem.overGrantReadings} readings though ${x.grantedA.toFixed(2)} A was granted`,
        data: { currentA: ch.currentA, grantedA: x.grantedA, readings: mem.overGrantReadings },
      });
    }
  }
  return out;
}

/** True when the charger has shown itself off (after the off command) and the battery takes no current. */
function chargerConfirmedOff(x: InterlockInput, cfg: ChargingConfig): boolean {
  const e = energyAfterOff(x, cfg);
  return e.chargerOff && !e.bms;
}

/**
 * Whether the cause of a fault is gone, judged with the charger commanded off. `faultAt` is when the fault began,
 * for a battery that was pulled out while charging: silent that long (and no energy flowing) means it is gone.
 */
export function causeGone(code: InterlockCode, x: InterlockInput, faultAt: number, cfg: ChargingConfig): boolean {
  const bms = fresh(x.bms, x.now, x.freshnessMs);
  switch (code) {
    case 'bms-protection':
      return bms === null || foreignFlags(bms, x.ownFlags).length === 0;
    case 'cell-over-voltage':
      return bms === null || maxOf(bms.cellsV) <= cfg.cells.limitCellV;
    case 'temperature': {
      const t = cfg.temperature;
      return (
        bms === null ||
        (bms.tempsC.length > 0 &&
          minOf(bms.tempsC) >= t.minC + t.hysteresisC &&
          maxOf(bms.tempsC) <= t.maxC - t.hysteresisC)
      );
    }
    case 'stale-bms': {
      if (bms !== null) return true;
      const e = energyAfterOff(x, cfg);
      return x.now - faultAt >= cfg.batteryGoneMs && !e.charger;
    }
    case 'stale-charger':
      return fresh(x.charger, x.now, x.freshnessMs) !== null;
    case 'charger-over-voltage':
    case 'charger-over-current':
    case 'ignores-setpoint':
    case 'charger-not-off':
      return chargerConfirmedOff(x, cfg);
  }
}
