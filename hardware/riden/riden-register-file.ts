// The registers of a simulated Riden RD6018 and what reading or writing each one does to the charger model:
// live values from the ChargerModel, set-points and output into it, OVP/OCP trips, and the two charger faults.

import { RidenReg, RIDEN_MODELS, type RidenModel } from '../../firmware-bridge/charger/riden-registers.ts';
import type { ChargerModel } from '../battery/charger-model.ts';

/** Modbus exception codes the unit answers with. */
export const ILLEGAL_FUNCTION = 1;
export const ILLEGAL_DATA_ADDRESS = 2;
export const ILLEGAL_DATA_VALUE = 3;

/** What the charger is wired to: the pack terminals (its output and battery-sense inputs) and a probe on the pack. */
export interface RidenSurroundings {
  /** Voltage at the output terminals, V: the pack's terminal voltage, also while the output is off. */
  terminalVoltageV(): number;
  /** The external temperature probe (regs 34–37), °C; taped to the pack. */
  probeTempC(): number;
  /** Air around the charger, °C; its internal temperature rises above it with output power. */
  ambientC(): number;
}

export interface RidenIdentityOptions {
  /** Reg 0. Default 60181 (RD6018). */
  modelId?: number;
  serial?: number;
  /** Reg 3, ×100 (128 = 1.28). */
  firmware?: number;
  /** Supply voltage at the input, V (reg 14). Default 65. */
  inputV?: number;
}

/** Readable holes in the map (RD60xx firmware answers them with exception 2 in this simulator). */
const READABLE: readonly (readonly [number, number])[] = [
  [0, 20],
  [32, 41],
  [48, 53],
  [55, 62],
  [66, 72],
  [80, 119],
];
/**
 * Writable registers. Calibration (55–62) and SYSTEM (256, bootloader) are refused with ILLEGAL_DATA_ADDRESS so no
 * client can damage a unit through the simulator's example; the real unit would accept them, which is why the
 * station's driver never writes there either.
 */
const WRITABLE: readonly (readonly [number, number])[] = [
  [8, 9],
  [18, 19],
  [48, 53],
  [66, 72],
  [80, 119],
];
const inRanges = (ranges: readonly (readonly [number, number])[], a: number) =>
  ranges.some(([lo, hi]) => a >= lo && a <= hi);

/**
 * Charger faults, each documented by what the station can see on the wire:
 * - stuckRelay: the output relay is welded closed. The firmware still takes "output off" (reg 18 reads 0, as on the
 *   real display) but current keeps flowing at the last set-points, so I_OUT/P_OUT stay up while OUTPUT says off: the
 *   station's "charger does not confirm off" interlock sees exactly that. Once the relay has closed it never opens.
 * - ignoreSetpoints: the unit has fallen back to a front-panel preset (10 A, a typical bench setting) and takes no
 *   remote set-points: V_SET/I_SET (regs 8, 9, 80, 81) writes are acknowledged (echoed) but not applied, and the
 *   output runs at the preset, above what the station granted. OUTPUT still works, so the station can switch the
 *   misbehaving charger off. Clearing the fault restores the set-points it had.
 */
/** Current of the front-panel preset a charger ignoring set-points falls back to, A. */
const IGNORE_PRESET_A = 10;

export interface RidenFaultState {
  stuckRelay: boolean;
  ignoreSetpoints: boolean;
}

export class RidenRegisterFile {
  readonly model: RidenModel = RIDEN_MODELS.RD6018;
  readonly faults: RidenFaultState = { stuckRelay: false, ignoreSetpoints: false };
  private readonly stored = new Map<number, number>();
  /** OUTPUT as the firmware holds it (reg 18); the physical output is the ChargerModel's flag. */
  private outputReg = 0;
  private beforeIgnore: number | null = null;
  private protection = 0;
  private ovpRaw = 6200;
  private ocpRaw = 1850;

  constructor(
    private readonly charger: ChargerModel,
    private readonly around: RidenSurroundings,
    private readonly id: RidenIdentityOptions = {},
  ) {
    // Settings a fresh unit shows: take-ok 0, take-out 1, boot-power 0, buzzer 1, logo 0, language 0, backlight 4.
    [0, 1, 0, 1, 0, 0, 4].forEach((v, i) => this.stored.set(66 + i, v));
    for (let m = 1; m <= 9; m++) [500, 100, 6200, 1850].forEach((v, i) => this.stored.set(80 + 4 * m + i, v));
    [2025, 1, 1, 0, 0, 0].forEach((v, i) => this.stored.set(48 + i, v));
    this.outputReg = charger.getSetpoints().outputOn ? 1 : 0;
  }

  /** Exception code, or the values of `count` registers from `address`. */
  read(address: number, count: number): number[] | number {
    const out: number[] = [];
    for (let a = address; a < address + count; a++) {
      if (!inRanges(READABLE, a)) return ILLEGAL_DATA_ADDRESS;
      out.push(this.value(a) & 0xffff);
    }
    return out;
  }

  /** Applies a write of consecutive registers all-or-nothing; returns an exception code or null. */
  write(address: number, values: readonly number[]): number | null {
    for (let i = 0; i < values.length; i++) {
      const a = address + i;
      if (!inRanges(WRITABLE, a)) return ILLEGAL_DATA_ADDRESS;
      const why = this.invalidValue(a, values[i] ?? 0);
      if (why) return ILLEGAL_DATA_VALUE;
    }
    values.forEach((v, i) => this.apply(address + i, v));
    return null;
  }

  /** After each physics step: OVP/OCP compare the measured output with their limits, as the unit does continuously. */
  evaluate(): void {
    if (!this.charger.getSetpoints().outputOn) return;
    const r = this.charger.reading();
    const vRaw = Math.round(r.voltageV * this.model.vMult);
    const iRaw = Math.round(r.currentA * this.model.iMult);
    const trip = vRaw > this.ovpRaw ? 1 : iRaw > this.ocpRaw ? 2 : 0;
    if (trip === 0 || this.outputReg === 0) return;
    this.protection = trip;
    this.outputReg = 0;
    if (!this.faults.stuckRelay) this.charger.setOutput(false);
  }

  /** Clears a charger fault; with the relay free again the physical output follows the register. */
  setFault(kind: keyof RidenFaultState, on: boolean): void {
    this.faults[kind] = on;
    if (kind === 'stuckRelay' && !on) this.charger.setOutput(this.outputReg === 1);
    if (kind === 'ignoreSetpoints') {
      if (on) {
        this.beforeIgnore = this.charger.getSetpoints().setCurrentA;
        this.charger.setCurrent(Math.min(IGNORE_PRESET_A, this.model.maxCurrentA));
      } else if (this.beforeIgnore !== null) {
        this.charger.setCurrent(this.beforeIgnore);
        this.beforeIgnore = null;
      }
    }
  }

  private invalidValue(a: number, v: number): boolean {
    if (a === RidenReg.setVoltage || a === 80) return v > this.model.maxVoltageV * this.model.vMult;
    if (a === RidenReg.setCurrent || a === 81) return v > this.model.maxCurrentA * this.model.iMult;
    if (a === RidenReg.ovp) return v > 6200;
    if (a === RidenReg.ocp) return v > 1850;
    if (a === RidenReg.output) return v > 1;
    if (a === RidenReg.preset) return v > 9;
    return false;
  }

  private apply(a: number, v: number): void {
    const c = this.charger;
    switch (a) {
      case RidenReg.setVoltage:
      case 80:
        if (!this.faults.ignoreSetpoints) c.setVoltage(v / this.model.vMult);
        return;
      case RidenReg.setCurrent:
      case 81:
        if (!this.faults.ignoreSetpoints) c.setCurrent(v / this.model.iMult);
        return;
      case RidenReg.ovp:
        this.ovpRaw = v;
        return;
      case RidenReg.ocp:
        this.ocpRaw = v;
        return;
      case RidenReg.output:
        this.outputReg = v;
        // Switching on re-arms a tripped protection, as pressing ON does on the unit.
        if (v === 1) this.protection = 0;
        if (v === 1 || !this.faults.stuckRelay) c.setOutput(v === 1);
        return;
      default:
        this.stored.set(a, v);
    }
  }

  private value(a: number): number {
    const r = this.charger.reading();
    const sp = this.charger.getSetpoints();
    const m = this.model;
    const physicalOn = sp.outputOn;
    const vOut = this.around.terminalVoltageV();
    const iOut = physicalOn ? r.currentA : 0;
    // Truncated, as the unit does (vector M12: 51.23 V × 3.98 A = 203.8954 W reads 20389).
    const powerRaw = Math.floor(vOut * iOut * (m.pMult ?? 100));
    const internalC = Math.round(this.around.ambientC() + 0.02 * vOut * iOut);
    const probeC = Math.round(this.around.probeTempC());
    const ah = Math.round(r.ampHours * 1000);
    const wh = Math.round(r.wattHours * 1000);
    switch (a) {
      case RidenReg.id:
        return this.id.modelId ?? 60181;
      case RidenReg.serialHigh:
        return Math.floor((this.id.serial ?? 1234) / 0x10000);
      case RidenReg.serialLow:
        return (this.id.serial ?? 1234) & 0xffff;
      case RidenReg.firmware:
        return this.id.firmware ?? 128;
      case RidenReg.tempSign:
        return internalC < 0 ? 1 : 0;
      case RidenReg.tempC:
        return Math.abs(internalC);
      case 6:
        return internalC * 1.8 + 32 < 0 ? 1 : 0;
      case 7:
        return Math.abs(Math.round(internalC * 1.8 + 32));
      case RidenReg.setVoltage:
      case 80:
        return Math.round(sp.setVoltageV * m.vMult);
      case RidenReg.setCurrent:
      case 81:
        return Math.round(sp.setCurrentA * m.iMult);
      case RidenReg.outVoltage:
        return Math.round(vOut * m.vMult);
      case RidenReg.outCurrent:
        return Math.round(iOut * m.iMult);
      // Reg 12 read as the high word of the power (one source's reading); reg 13 the low word.
      case RidenReg.ambiguous12:
        return Math.floor(powerRaw / 0x10000);
      case RidenReg.outPower:
        return powerRaw & 0xffff;
      case RidenReg.inVoltage:
        return Math.round((this.id.inputV ?? 65) * 100);
      case RidenReg.keypadLock:
        return 0;
      case RidenReg.protection:
        return this.protection;
      case RidenReg.cvcc:
        return physicalOn && r.mode === 'cc' ? 1 : 0;
      case RidenReg.output:
        return this.outputReg;
      case RidenReg.currentRange:
        return 0;
      case RidenReg.batteryMode:
        return vOut > 1 ? 1 : 0;
      case RidenReg.batteryVoltage:
        return Math.round(vOut * m.vMult);
      case RidenReg.probeTempSign:
        return probeC < 0 ? 1 : 0;
      case RidenReg.probeTempC:
        return Math.abs(probeC);
      case 36:
        return probeC * 1.8 + 32 < 0 ? 1 : 0;
      case 37:
        return Math.abs(Math.round(probeC * 1.8 + 32));
      case RidenReg.ahHigh:
        return Math.floor(ah / 0x10000);
      case RidenReg.ahLow:
        return ah & 0xffff;
      case RidenReg.whHigh:
        return Math.floor(wh / 0x10000);
      case RidenReg.whLow:
        return wh & 0xffff;
      case RidenReg.ovp:
        return this.ovpRaw;
      case RidenReg.ocp:
        return this.ocpRaw;
      default:
        // Calibration constants (55–62) read as fixed factory values; everything else as last written.
        return a >= 55 && a <= 62 ? 1000 + a : (this.stored.get(a) ?? 0);
    }
  }
}
