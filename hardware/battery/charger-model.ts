// A programmable bench-type charger (CC/CV power supply, like the Riden RD60xx) connected to a pack: from its voltage
// and current set-points and output flag it works out the current that actually flows, and counts Ah and Wh delivered.
import { BatteryModelError } from './battery-errors.ts';

/** What the charger needs from a pack: its rest voltage and resistance now, and a way to push current through it. */
export interface ChargeablePack {
  openCircuitVoltageV(): number;
  resistanceOhm(): number;
  terminalVoltageV(): number;
  /** Advances the pack with this current (positive = charging); returns the average current that actually flowed. */
  step(dtS: number, currentA: number): number;
}

export interface ChargerSetpoints {
  /** Voltage limit, V (e.g. 54.6 for 13S, 58.8 for 14S). */
  setVoltageV: number;
  /** Current limit, A. */
  setCurrentA: number;
  outputOn: boolean;
}

/** `cc`: the current limit holds the output; `cv`: the voltage limit does and the current tapers. */
export type ChargerMode = 'off' | 'cc' | 'cv';

export interface ChargerStepResult {
  currentA: number;
  mode: ChargerMode;
}

/**
 * Current a CC/CV supply drives into a pack whose terminal voltage is OCV + I·R: the set current while that keeps the
 * terminal at or below the set voltage, otherwise the current that puts the terminal exactly at the set voltage.
 * Never negative: a supply's output stage cannot sink current from a pack above its set voltage.
 */
export function chargerStep(
  pack: Pick<ChargeablePack, 'openCircuitVoltageV' | 'resistanceOhm'>,
  setpoints: ChargerSetpoints,
): ChargerStepResult {
  if (!setpoints.outputOn) return { currentA: 0, mode: 'off' };
  const limitA = Math.max(0, setpoints.setCurrentA);
  const resistance = pack.resistanceOhm();
  const cvCurrentA =
    resistance > 0
      ? (setpoints.setVoltageV - pack.openCircuitVoltageV()) / resistance
      : setpoints.setVoltageV >= pack.openCircuitVoltageV()
        ? Infinity
        : 0;
  if (limitA <= cvCurrentA) return { currentA: limitA, mode: 'cc' };
  return { currentA: Math.max(0, cvCurrentA), mode: 'cv' };
}

export interface ChargerLimits {
  /** Highest voltage the supply can be set to, V. Default 60 (RD6018). */
  maxVoltageV?: number;
  /** Highest current the supply can be set to, A. Default 18 (RD6018). */
  maxCurrentA?: number;
  /**
   * Longest step between two control decisions, s. Default 1: a real supply regulates in milliseconds, and a 1 s
   * step keeps the CV overshoot (OCV rising during the step) well under a millivolt per cell.
   */
  maxSubstepS?: number;
}

/** The charger's readings after a step, as its display and registers would show them. */
export interface ChargerReading {
  outputOn: boolean;
  mode: ChargerMode;
  /** Output voltage, V (the pack's terminal voltage: the output is wired to it). */
  voltageV: number;
  /** Output current, A (average over the last step). */
  currentA: number;
  setVoltageV: number;
  setCurrentA: number;
  /** Charge delivered since the counters were reset, Ah. */
  ampHours: number;
  /** Energy delivered since the counters were reset, Wh. */
  wattHours: number;
}

/** Stateful charger: set-points, output flag and the delivered Ah/Wh counters (RD60xx registers 38..41). */
export class ChargerModel {
  readonly maxVoltageV: number;
  readonly maxCurrentA: number;
  private readonly maxSubstepS: number;
  private setpoints: ChargerSetpoints = { setVoltageV: 0, setCurrentA: 0, outputOn: false };
  private mode: ChargerMode = 'off';
  private lastCurrentA = 0;
  private lastVoltageV = 0;
  private ampHours = 0;
  private wattHours = 0;

  constructor(limits: ChargerLimits = {}) {
    this.maxVoltageV = limits.maxVoltageV ?? 60;
    this.maxCurrentA = limits.maxCurrentA ?? 18;
    this.maxSubstepS = limits.maxSubstepS ?? 1;
    if (!(this.maxVoltageV > 0 && this.maxCurrentA > 0 && this.maxSubstepS > 0)) {
      throw new BatteryModelError('BATTERY_INVALID_ARGUMENT', 'charger limits must be positive');
    }
  }

  /** Sets the voltage limit, V, clamped to 0..maxVoltageV as the supply itself would. */
  setVoltage(volts: number): void {
    this.setpoints = { ...this.setpoints, setVoltageV: clampFinite(volts, this.maxVoltageV) };
  }

  /** Sets the current limit, A, clamped to 0..maxCurrentA. */
  setCurrent(amps: number): void {
    this.setpoints = { ...this.setpoints, setCurrentA: clampFinite(amps, this.maxCurrentA) };
  }

  setOutput(on: boolean): void {
    this.setpoints = { ...this.setpoints, outputOn: on };
    if (!on) this.mode = 'off';
  }

  getSetpoints(): ChargerSetpoints {
    return { ...this.setpoints };
  }

  resetCounters(): void {
    this.ampHours = 0;
    this.wattHours = 0;
  }

  /** Runs the charger on the pack for `dtS` seconds, deciding the current afresh every sub-step. */
  step(pack: ChargeablePack, dtS: number): ChargerReading {
    if (!Number.isFinite(dtS) || dtS < 0) {
      throw new BatteryModelError('BATTERY_INVALID_STEP', `charger step needs a finite dtS >= 0, got ${dtS}`);
    }
    const n = Math.max(1, Math.ceil(dtS / this.maxSubstepS));
    const h = dtS / n;
    let chargeAs = 0;
    for (let k = 0; k < n && h > 0; k++) {
      const { currentA, mode } = chargerStep(pack, this.setpoints);
      const flowed = pack.step(h, currentA);
      this.mode = mode;
      const voltageV = pack.terminalVoltageV();
      this.ampHours += (flowed * h) / 3600;
      this.wattHours += (flowed * voltageV * h) / 3600;
      chargeAs += flowed * h;
    }
    this.lastCurrentA = dtS > 0 ? chargeAs / dtS : 0;
    this.lastVoltageV = pack.terminalVoltageV();
    return this.reading();
  }

  reading(): ChargerReading {
    return {
      outputOn: this.setpoints.outputOn,
      mode: this.mode,
      voltageV: this.lastVoltageV,
      currentA: this.lastCurrentA,
      setVoltageV: this.setpoints.setVoltageV,
      setCurrentA: this.setpoints.setCurrentA,
      ampHours: this.ampHours,
      wattHours: this.wattHours,
    };
  }
}

function clampFinite(x: number, max: number): number {
  if (!Number.isFinite(x))
    throw new BatteryModelError('BATTERY_INVALID_ARGUMENT', `set-point must be finite, got ${x}`);
  return Math.min(max, Math.max(0, x));
}
