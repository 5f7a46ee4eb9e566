// Riden RD60xx register map and per-model scaling (shared/protocols.md §4; reverse-engineered, Riden publishes none).
// Pure: register values in, typed values out, so the driver and the simulated charger in hardware/ share it.

import type { ChargerProtection } from './charger.ts';

/** Decimal register addresses. 55–62 (calibration) and 256 (bootloader) are deliberately absent: never write them. */
export const RidenReg = {
  id: 0,
  serialHigh: 1,
  serialLow: 2,
  firmware: 3,
  tempSign: 4,
  tempC: 5,
  setVoltage: 8,
  setCurrent: 9,
  outVoltage: 10,
  outCurrent: 11,
  /** "AH" in one source, "power high word" in another: ambiguous, not used. */
  ambiguous12: 12,
  outPower: 13,
  inVoltage: 14,
  keypadLock: 15,
  protection: 16,
  cvcc: 17,
  output: 18,
  preset: 19,
  /** RD6012P only: 0 = ≤6 A range (I ×10000), 1 = ≤12 A range (I ×1000). */
  currentRange: 20,
  batteryMode: 32,
  batteryVoltage: 33,
  probeTempSign: 34,
  probeTempC: 35,
  ahHigh: 38,
  ahLow: 39,
  whHigh: 40,
  whLow: 41,
  ovp: 82,
  ocp: 83,
} as const;

export interface RegisterBlock {
  start: number;
  count: number;
}

/** ID, serial high/low, firmware (vector M4). */
export const ID_BLOCK: RegisterBlock = { start: 0, count: 4 };
/** Set-points, measurements, protection, CV/CC, output, preset: regs 8–19 in one request (vector M5). */
export const LIVE_BLOCK: RegisterBlock = { start: 8, count: 12 };
/** Battery mode, V_BAT, probe temperature, Ah, Wh: regs 32–41 (vector M6). */
export const BATTERY_BLOCK: RegisterBlock = { start: 32, count: 10 };

export type RidenModelName = 'RD6006' | 'RD6006P' | 'RK6006' | 'RD6012' | 'RD6012P' | 'RD6018' | 'RD6024';

export interface RidenModel {
  name: RidenModelName;
  /** Raw register value per volt / amp / watt. */
  vMult: number;
  iMult: number;
  /** Null where no source gives the power scaling: the driver then leaves powerW out. */
  pMult: number | null;
  maxVoltageV: number;
  maxCurrentA: number;
  /** RD6012P: the current multiplier depends on register 20 (I_RANGE). */
  hasCurrentRange: boolean;
}

const model = (
  name: RidenModelName,
  vMult: number,
  iMult: number,
  pMult: number | null,
  maxCurrentA: number,
): RidenModel => ({
  name,
  vMult,
  iMult,
  pMult,
  maxVoltageV: 60,
  maxCurrentA,
  hasCurrentRange: name === 'RD6012P',
});

export const RIDEN_MODELS: Readonly<Record<RidenModelName, RidenModel>> = {
  RD6006: model('RD6006', 100, 1000, 100, 6),
  RD6006P: model('RD6006P', 1000, 10000, 1000, 6),
  RK6006: model('RK6006', 100, 1000, null, 6),
  RD6012: model('RD6012', 100, 100, 100, 12),
  // I ×10000 in the ≤6 A range; ridenCurrentMult() switches to ×1000 for the 12 A range.
  RD6012P: model('RD6012P', 1000, 10000, null, 12),
  RD6018: model('RD6018', 100, 100, 100, 18),
  RD6024: model('RD6024', 100, 100, null, 24),
};

/** Model from the ID register (reg 0); exact ids of the P/K variants win over the family ranges. */
export function ridenModelFromId(id: number): RidenModel | undefined {
  if (id === 60065) return RIDEN_MODELS.RD6006P;
  if (id === 60066) return RIDEN_MODELS.RK6006;
  if (id === 60125) return RIDEN_MODELS.RD6012P;
  if (id === 60241) return RIDEN_MODELS.RD6024;
  if (id >= 60060 && id <= 60064) return RIDEN_MODELS.RD6006;
  if (id >= 60120 && id <= 60129) return RIDEN_MODELS.RD6012;
  if (id >= 60180 && id <= 60189) return RIDEN_MODELS.RD6018;
  return undefined;
}

/** Current multiplier in effect; `currentRange` is register 20 on an RD6012P (ignored on other models). */
function ridenCurrentMult(m: RidenModel, currentRange = 0): number {
  return m.hasCurrentRange && currentRange === 1 ? 1000 : m.iMult;
}

export interface RidenIdentity {
  modelId: number;
  serial: number;
  /** Firmware version, e.g. 1.28 for register value 128. */
  firmware: number;
}

export function decodeIdentity(regs: readonly number[]): RidenIdentity {
  const [id = 0, hi = 0, lo = 0, fw = 0] = regs;
  return { modelId: id, serial: hi * 0x10000 + lo, firmware: fw / 100 };
}

export interface RidenLive {
  setVoltageV: number;
  setCurrentA: number;
  voltageV: number;
  currentA: number;
  powerW?: number;
  inputV: number;
  keypadLocked: boolean;
  protection: ChargerProtection;
  protectionCode: number;
  mode: 'cv' | 'cc';
  outputOn: boolean;
  preset: number;
}

/** A map of register address → value, built from one or more block reads. */
export type RegisterValues = ReadonlyMap<number, number>;

export function blockValues(block: RegisterBlock, values: readonly number[]): Map<number, number> {
  return new Map(values.map((v, i) => [block.start + i, v]));
}

const get = (r: RegisterValues, reg: number) => r.get(reg) ?? 0;
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const digits = (mult: number) => Math.round(Math.log10(mult));

function ridenProtection(code: number): ChargerProtection {
  return code === 0 ? 'none' : code === 1 ? 'ovp' : code === 2 ? 'ocp' : 'other';
}

/**
 * Regs 8–19. Power: reg 13 ÷ pMult. On an RD6018/6024 above 655.35 W the u16 wraps and reg 12 may be its high
 * word (sources disagree); budget power from V × I, not from powerW.
 */
export function decodeLive(r: RegisterValues, m: RidenModel): RidenLive {
  const iMult = ridenCurrentMult(m, get(r, RidenReg.currentRange));
  const v = (reg: number) => round(get(r, reg) / m.vMult, digits(m.vMult));
  const a = (reg: number) => round(get(r, reg) / iMult, digits(iMult));
  const protectionCode = get(r, RidenReg.protection);
  return {
    setVoltageV: v(RidenReg.setVoltage),
    setCurrentA: a(RidenReg.setCurrent),
    voltageV: v(RidenReg.outVoltage),
    currentA: a(RidenReg.outCurrent),
    ...(m.pMult === null ? {} : { powerW: round(get(r, RidenReg.outPower) / m.pMult, digits(m.pMult)) }),
    inputV: round(get(r, RidenReg.inVoltage) / 100, 2),
    keypadLocked: get(r, RidenReg.keypadLock) !== 0,
    protection: ridenProtection(protectionCode),
    protectionCode,
    mode: get(r, RidenReg.cvcc) === 1 ? 'cc' : 'cv',
    outputOn: get(r, RidenReg.output) !== 0,
    preset: get(r, RidenReg.preset),
  };
}

/** Internal temperature from regs 4 (sign: 0 = +, 1 = −) and 5 (°C). */
export function decodeTemperature(r: RegisterValues): number {
  const t = get(r, RidenReg.tempC);
  return get(r, RidenReg.tempSign) ? -t : t;
}

export interface RidenBattery {
  batteryMode: boolean;
  batteryV: number;
  probeTempC: number;
  ah: number;
  wh: number;
}

/** Regs 32–41: Ah and Wh are 32-bit, high word first, ÷1000. */
export function decodeBattery(r: RegisterValues, m: RidenModel): RidenBattery {
  const t = get(r, RidenReg.probeTempC);
  return {
    batteryMode: get(r, RidenReg.batteryMode) !== 0,
    batteryV: round(get(r, RidenReg.batteryVoltage) / m.vMult, digits(m.vMult)),
    probeTempC: get(r, RidenReg.probeTempSign) ? -t : t,
    ah: (get(r, RidenReg.ahHigh) * 0x10000 + get(r, RidenReg.ahLow)) / 1000,
    wh: (get(r, RidenReg.whHigh) * 0x10000 + get(r, RidenReg.whLow)) / 1000,
  };
}

/** Raw register value for a voltage set-point (also OVP); the caller has range-checked it. */
export function encodeVoltage(voltageV: number, m: RidenModel): number {
  return Math.round(voltageV * m.vMult);
}

/** Raw register value for a current set-point (also OCP) in the current range in effect. */
export function encodeCurrent(currentA: number, m: RidenModel, currentRange = 0): number {
  return Math.round(currentA * ridenCurrentMult(m, currentRange));
}
