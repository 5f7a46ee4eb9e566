// Physical model of a 13S/14S Li-ion pack for the simulator: per-element charge, OCV + I·R voltages, I²R heating,
// ageing and cell spread, advanced only by explicit time steps so it is deterministic and can run faster than real time.
import { capacityFadeFactor, resistanceGrowthFactor, temperatureResistanceFactor } from './ageing.ts';
import { BatteryModelError } from './battery-errors.ts';
import { drawPackSpread } from './cell-spread.ts';
import type { CellParameters, SensorParameters } from './cell-spread.ts';
import { cellOcvIntegral, cellOcvV, cellSocAtOcv, SOC_MAX, SOC_MIN } from './ocv-curve.ts';
import { parseBatteryPackConfig } from './pack-config.ts';
import type { BatteryPackConfig, BatteryPackConfigInput } from './pack-config.ts';
import { relaxTemperatureC } from './thermal-model.ts';
import type { ChargeablePack } from './charger-model.ts';

/**
 * Longest internal step, s. Resistance follows temperature and capacity follows cycles, both taken as constant within
 * a sub-step; 2 s keeps that error far below what the tests resolve, and a one-hour step is still only 1800 sub-steps.
 */
export const MAX_SUBSTEP_S = 2;
/** Longest internal step at rest, s: only self-discharge and cooling act then, both slow and solved exactly. */
export const MAX_REST_SUBSTEP_S = 60;

const SECONDS_PER_MONTH = 30 * 86_400;

/** The model's true state, for `GET /api/sim/truth` and for checking the station's estimators against. */
export interface BatteryTruth {
  /** Pack state of charge over the usable window (weakest element empty .. first element full), %. */
  socPct: number;
  /** Each element's own state of charge, %; may leave 0..100 when over-discharged or overcharged. */
  cellSocPct: number[];
  /** True capacity-based state of health: the weakest element's capacity now / rated capacity, %. */
  sohPct: number;
  /** Each element's capacity now / rated capacity, %. */
  cellSohPct: number[];
  remainingAh: number;
  fullChargeAh: number;
  /** Pack DC resistance now, at the present temperature, Ω. */
  resistanceOhm: number;
  /** Pack DC resistance normalised to 25 °C, Ω — what an SoH-by-resistance estimate should converge to. */
  resistance25COhm: number;
  /** Each element's resistance at the present temperature, mΩ. */
  cellResistanceMilliOhm: number[];
  /** Lumped core temperature, °C (the NTC sensors read near it). */
  temperatureC: number;
  ambientC: number;
  /** Equivalent full cycles: age at start plus charge throughput / rated capacity. */
  cycles: number;
  ageDays: number;
  /** Chemical energy held above the collapse point, Wh (for energy-balance checks). */
  storedEnergyWh: number;
  /** Heat made inside the pack since construction (I²R, balancing, self-discharge), Wh. */
  heatWh: number;
  /** Stored energy lost to capacity fade since construction, Wh. */
  fadeLossWh: number;
  /** Last current through the pack (positive = charging), A. */
  currentA: number;
}

export class BatteryPack implements ChargeablePack {
  readonly config: BatteryPackConfig;
  readonly series: number;
  readonly ratedCapacityAh: number;

  private readonly cells: readonly CellParameters[];
  private readonly sensors: readonly [SensorParameters, SensorParameters];
  /** Each element's state of charge as a fraction; the model's core state. */
  private readonly soc: number[];
  /** Each element's present capacity, Ah; updated from ageing after every sub-step. */
  private readonly capacityAh: number[];
  /** Charge moved by driftCell per element, Ah, so clearDrift can take exactly that back. */
  private readonly driftAh: number[];
  private readonly balancing = new Set<number>();
  private tempC: number;
  private ambient: number;
  private forcedTempC: number | null = null;
  private chargedAh = 0;
  private elapsedS = 0;
  private lastCurrentA = 0;
  private heatJ = 0;
  private fadeLossWh = 0;
  private fade: number;

  constructor(input: BatteryPackConfigInput = {}) {
    this.config = parseBatteryPackConfig(input);
    this.series = this.config.series;
    this.ratedCapacityAh = this.config.capacityAh;
    const spread = drawPackSpread(this.config);
    this.cells = spread.cells;
    this.sensors = spread.sensors;
    this.ambient = this.config.ambientC;
    this.tempC = this.config.tempC ?? this.config.ambientC;
    this.fade = capacityFadeFactor(this.config.ageCycles, this.config.ageDays);
    this.capacityAh = this.cells.map((c) => this.ratedCapacityAh * c.capacityFactor * this.fade);
    // Start inside 0..100 % even with offsets, so a pack configured "full" does not start overcharged.
    this.soc = this.cells.map((c) => clamp(this.config.socPct / 100 + c.socOffset, 0, 1));
    this.driftAh = this.cells.map(() => 0);
  }

  /** Equivalent full cycles: configured age plus charge throughput / rated capacity. */
  get cycles(): number {
    return this.config.ageCycles + this.chargedAh / this.ratedCapacityAh;
  }

  /** Calendar age in days, advancing with simulated time. */
  get ageDays(): number {
    return this.config.ageDays + this.elapsedS / 86_400;
  }

  /** Simulated seconds since construction. */
  get elapsedSeconds(): number {
    return this.elapsedS;
  }

  /**
   * Advances the model by `dtS` seconds with `currentA` through the pack (positive = charging, negative = load).
   * Returns the average current that actually flowed: less than asked only when an element reaches the end of its
   * range (collapsed when empty, CID open when overcharged) — the BMS simulator is expected to cut off long before.
   */
  step(dtS: number, currentA: number): number {
    if (!Number.isFinite(dtS) || dtS < 0) {
      throw new BatteryModelError('BATTERY_INVALID_STEP', `step needs a finite dtS >= 0, got ${dtS}`);
    }
    if (!Number.isFinite(currentA)) {
      throw new BatteryModelError('BATTERY_INVALID_STEP', `step needs a finite current, got ${currentA}`);
    }
    if (dtS === 0) return this.lastCurrentA;
    const n = Math.ceil(dtS / (currentA === 0 ? MAX_REST_SUBSTEP_S : MAX_SUBSTEP_S));
    const h = dtS / n;
    let chargeAs = 0;
    for (let k = 0; k < n; k++) chargeAs += this.subStep(h, currentA) * h;
    return chargeAs / dtS;
  }

  /** Draws a load current (A, positive) for `dtS` seconds, as on a ride; returns the current that flowed (negative). */
  discharge(dtS: number, loadA: number): number {
    return this.step(dtS, -loadA);
  }

  private subStep(h: number, currentA: number): number {
    const resistances = this.cellResistancesOhm();
    // A series string carries one current: it is limited by whichever element reaches its end first.
    let dqAh = (currentA * h) / 3600;
    for (let i = 0; i < this.series; i++) {
      const cap = this.cap(i);
      const soc = this.socOf(i);
      dqAh = dqAh > 0 ? Math.min(dqAh, (SOC_MAX - soc) * cap) : Math.max(dqAh, (SOC_MIN - soc) * cap);
    }
    dqAh = currentA > 0 ? Math.max(0, dqAh) : Math.min(0, dqAh);
    const accepted = (dqAh * 3600) / h;

    let heatJ = 0;
    for (let i = 0; i < this.series; i++) {
      const cap = this.cap(i);
      let soc = this.socOf(i) + dqAh / cap;
      heatJ += accepted * accepted * (resistances[i] ?? 0) * h;
      // Balancer bleed and self-discharge both turn stored charge into heat inside the enclosure.
      const bleedA =
        (this.balancing.has(i) ? this.config.balanceCurrentA : 0) +
        (this.cellParams(i).selfDischargePerMonth * cap * 3600) / SECONDS_PER_MONTH;
      const bleedAh = Math.min((bleedA * h) / 3600, Math.max(0, (soc - SOC_MIN) * cap));
      heatJ += cellOcvV(soc) * bleedAh * 3600;
      soc -= bleedAh / cap;
      this.soc[i] = soc;
    }
    if (dqAh > 0) this.chargedAh += dqAh;
    this.elapsedS += h;
    this.lastCurrentA = accepted;
    this.heatJ += heatJ;
    this.tempC =
      this.forcedTempC ??
      relaxTemperatureC(
        this.tempC,
        this.ambient,
        heatJ / h,
        h,
        this.config.thermalMassJPerK,
        this.config.thermalResistanceKPerW,
      );
    this.applyFade();
    return accepted;
  }

  /** Shrinks capacities to the present age; the stored energy that goes with the lost capacity is booked as fade loss. */
  private applyFade(): void {
    const fade = capacityFadeFactor(this.cycles, this.ageDays);
    if (fade === this.fade) return;
    this.fade = fade;
    for (let i = 0; i < this.series; i++) {
      const before = this.cap(i);
      const after = this.ratedCapacityAh * this.cellParams(i).capacityFactor * fade;
      this.fadeLossWh += (before - after) * cellOcvIntegral(this.socOf(i));
      this.capacityAh[i] = after;
    }
  }

  /** Each element's voltage at the last current, V: OCV(SoC) + I·R. */
  cellVoltagesV(): number[] {
    const r = this.cellResistancesOhm();
    return this.soc.map((s, i) => cellOcvV(s) + this.lastCurrentA * (r[i] ?? 0));
  }

  /** Pack terminal voltage at the last current, V. */
  terminalVoltageV(): number {
    return this.cellVoltagesV().reduce((a, b) => a + b, 0);
  }

  /** Sum of the elements' open-circuit voltages, V: what the pack reads at rest. */
  openCircuitVoltageV(): number {
    return this.soc.reduce((a, s) => a + cellOcvV(s), 0);
  }

  /** Pack DC resistance at the present temperature and age, Ω. */
  resistanceOhm(): number {
    return this.cellResistancesOhm().reduce((a, b) => a + b, 0);
  }

  /** Last current through the pack (positive = charging), A. */
  currentA(): number {
    return this.lastCurrentA;
  }

  /** Charge left until the first element is empty (0 % = 3.0 V), Ah. */
  remainingAh(): number {
    let min = Infinity;
    for (let i = 0; i < this.series; i++) min = Math.min(min, this.socOf(i) * this.cap(i));
    return Math.max(0, min);
  }

  /** Usable capacity now: remaining charge plus room until the first element is full, Ah. Shrinks with imbalance. */
  fullChargeAh(): number {
    let room = Infinity;
    for (let i = 0; i < this.series; i++) room = Math.min(room, (1 - this.socOf(i)) * this.cap(i));
    return this.remainingAh() + Math.max(0, room);
  }

  /** Pack state of charge over the usable window, %. */
  socPct(): number {
    const full = this.fullChargeAh();
    return full > 0 ? clamp((100 * this.remainingAh()) / full, 0, 100) : 0;
  }

  /** The two NTC readings, °C: each with its own calibration offset, the second nearer the case wall. */
  temperaturesC(): [number, number] {
    const read = (s: SensorParameters): number =>
      this.ambient + (this.tempC - this.ambient) * s.coreCoupling + s.offsetC;
    return [read(this.sensors[0]), read(this.sensors[1])];
  }

  /** Changes the air temperature around the pack, °C; the pack follows with its thermal time constant. */
  setAmbient(ambientC: number): void {
    if (!Number.isFinite(ambientC)) {
      throw new BatteryModelError('BATTERY_INVALID_ARGUMENT', `ambient must be finite, got ${ambientC}`);
    }
    this.ambient = ambientC;
  }

  /**
   * Holds the pack at a temperature (over-temperature fault: a hot spot, a pack left in the sun), °C; `null` lets go,
   * and the pack then relaxes from there towards ambient.
   */
  forceTemperature(tempC: number | null): void {
    if (tempC !== null && !Number.isFinite(tempC)) {
      throw new BatteryModelError('BATTERY_INVALID_ARGUMENT', `temperature must be finite, got ${tempC}`);
    }
    this.forcedTempC = tempC;
    if (tempC !== null) this.tempC = tempC;
  }

  /**
   * Makes one element drift: moves charge into it (or out, for negative mV) until its rest voltage is `mV` higher,
   * as an element with less self-discharge than its neighbours ends up. It can push the element past 4.2 V, up to
   * the overcharge limit; balancing bleeds it back, clearDrift undoes it.
   */
  driftCell(index: number, mV: number): void {
    this.checkIndex(index);
    if (!Number.isFinite(mV))
      throw new BatteryModelError('BATTERY_INVALID_ARGUMENT', `drift must be finite, got ${mV}`);
    const soc = this.socOf(index);
    const target = cellSocAtOcv(cellOcvV(soc) + mV / 1000);
    const dAh = (target - soc) * this.cap(index);
    this.soc[index] = target;
    this.driftAh[index] = (this.driftAh[index] ?? 0) + dAh;
  }

  /** Takes back the charge driftCell moved (one element, or all when no index is given). */
  clearDrift(index?: number): void {
    const indices = index === undefined ? this.soc.map((_, i) => i) : [index];
    for (const i of indices) {
      this.checkIndex(i);
      const cap = this.cap(i);
      this.soc[i] = clamp(this.socOf(i) - (this.driftAh[i] ?? 0) / cap, SOC_MIN, SOC_MAX);
      this.driftAh[i] = 0;
    }
  }

  /** Switches the passive balancer's bleed on for exactly these elements (and off for all others). */
  setBalancing(indices: readonly number[]): void {
    for (const i of indices) this.checkIndex(i);
    this.balancing.clear();
    for (const i of indices) this.balancing.add(i);
  }

  /** Elements the balancer bleeds now. */
  balancingCells(): number[] {
    return [...this.balancing].sort((a, b) => a - b);
  }

  /** Ground truth for tests and `GET /api/sim/truth`. */
  truth(): BatteryTruth {
    const r = this.cellResistancesOhm();
    const r25 = r.map((x) => x / temperatureResistanceFactor(this.tempC));
    const cellSohPct = this.capacityAh.map((c) => (100 * c) / this.ratedCapacityAh);
    return {
      socPct: this.socPct(),
      cellSocPct: this.soc.map((s) => 100 * s),
      sohPct: Math.min(...cellSohPct),
      cellSohPct,
      remainingAh: this.remainingAh(),
      fullChargeAh: this.fullChargeAh(),
      resistanceOhm: sum(r),
      resistance25COhm: sum(r25),
      cellResistanceMilliOhm: r.map((x) => 1000 * x),
      temperatureC: this.tempC,
      ambientC: this.ambient,
      cycles: this.cycles,
      ageDays: this.ageDays,
      storedEnergyWh: this.soc.reduce((a, s, i) => a + this.cap(i) * cellOcvIntegral(s), 0),
      heatWh: this.heatJ / 3600,
      fadeLossWh: this.fadeLossWh,
      currentA: this.lastCurrentA,
    };
  }

  private cellResistancesOhm(): number[] {
    const common =
      (this.config.resistanceMilliOhm / 1000) *
      resistanceGrowthFactor(this.cycles, this.ageDays) *
      temperatureResistanceFactor(this.tempC);
    return this.cells.map((c) => common * c.resistanceFactor);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.series) {
      throw new BatteryModelError('BATTERY_NO_SUCH_CELL', `cell index ${index} is not in 0..${this.series - 1}`);
    }
  }

  private cellParams(i: number): CellParameters {
    const c = this.cells[i];
    if (c === undefined)
      throw new BatteryModelError('BATTERY_NO_SUCH_CELL', `cell index ${i} is not in 0..${this.series - 1}`);
    return c;
  }

  private cap(i: number): number {
    return this.capacityAh[i] ?? 0;
  }

  private socOf(i: number): number {
    return this.soc[i] ?? 0;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
