// DC internal resistance from current steps: when the charger's current moves from one steady plateau to another
// (rest → low current → set-point at the start of a charge), ΔV/ΔI across the step is the pack's DC resistance.
// Each plateau's voltage is fitted as a line and both are read at the step, so the charge's own OCV rise cancels.

import type { ResistanceMeasurement } from '../../contract/battery-health.ts';
import type { HealthConfig } from './health-config.ts';
import { meanTempC, stackVoltageV, type HealthSample } from './health-sample.ts';

/** Resistance multiple at `tempC` relative to 25 °C (Arrhenius, activation temperature k). */
export function resistanceFactor(tempC: number, activationK: number): number {
  const t = tempC + 273.15;
  return Math.exp(activationK * (1 / t - 1 / 298.15));
}

interface Line {
  at: (t: number) => number;
  /** Standard error of the line's value near its data, V (the extrapolation to the step is short). */
  sigma: number;
}

/** Least-squares line V(t) through the plateau (flat when its readings share one time), read at any t. */
function fitLine(points: readonly { t: number; v: number }[], sigmaEach: number): Line {
  const n = points.length;
  let mt = 0;
  let mv = 0;
  for (const p of points) {
    mt += p.t / n;
    mv += p.v / n;
  }
  let stt = 0;
  let stv = 0;
  for (const p of points) {
    stt += (p.t - mt) ** 2;
    stv += (p.t - mt) * (p.v - mv);
  }
  const slope = stt > 0 ? stv / stt : 0;
  return { at: (t) => mv + slope * (t - mt), sigma: sigmaEach / Math.sqrt(n) };
}

export class StepDetector {
  private plateau: HealthSample[] = [];
  private before: HealthSample[] | null = null;
  private stepAt = 0;
  private readonly found: ResistanceMeasurement[] = [];

  constructor(private readonly cfg: HealthConfig) {}

  /** Feeds one reading of the same battery, in time order. */
  add(s: HealthSample): void {
    const step = this.cfg.step;
    const i = s.bms.currentA;
    if (this.plateau.length > 0 && this.steady(this.plateau, i)) {
      this.plateau.push(s);
      if (this.plateau.length > 8 && this.before === null) this.plateau.shift();
      if (this.before && this.plateau.length >= step.plateauReadings) {
        this.measure(this.before, this.plateau);
        this.before = null;
      }
      return;
    }
    const last = this.plateau[this.plateau.length - 1];
    const meanI = mean(this.plateau.map((p) => p.bms.currentA));
    this.before = null;
    if (last && this.plateau.length >= step.plateauReadings && Math.abs(i - meanI) >= step.minStepA) {
      this.before = this.plateau.slice(-step.plateauReadings * 2);
      this.stepAt = (last.at + s.at) / 2;
    }
    this.plateau = [s];
  }

  /** Forgets the plateaus (battery gone, gap in the readings). */
  reset(): void {
    this.plateau = [];
    this.before = null;
  }

  /** Measurements made since the last take. */
  take(): ResistanceMeasurement[] {
    return this.found.splice(0);
  }

  private steady(plateau: readonly HealthSample[], currentA: number): boolean {
    const m = mean(plateau.map((p) => p.bms.currentA));
    return Math.abs(currentA - m) <= Math.max(0.05, (this.cfg.step.steadyPct / 100) * Math.abs(m));
  }

  private measure(before: readonly HealthSample[], after: readonly HealthSample[]): void {
    const cfg = this.cfg;
    const fromA = mean(before.map((p) => p.bms.currentA));
    const toA = mean(after.map((p) => p.bms.currentA));
    const dI = toA - fromA;
    // Only charging or resting plateaus: a ride's load steps mix in the motor's own transients.
    if (Math.min(fromA, toA) < -cfg.restCurrentA || Math.abs(dI) < cfg.step.minStepA) return;
    const cells = after[0]?.bms.cellsV.length ?? 0;
    // Each cell reading is rounded to the resolution: uniform error, σ = res/√12, summed over the cells.
    const sigmaV = ((cfg.voltageResolutionMv / 1000) * Math.sqrt(Math.max(1, cells))) / Math.sqrt(12);
    const points = (ps: readonly HealthSample[]) => ps.map((p) => ({ t: p.at, v: stackVoltageV(p) }));
    const lb = fitLine(points(before), sigmaV);
    const la = fitLine(points(after), sigmaV);
    const dV = la.at(this.stepAt) - lb.at(this.stepAt);
    const ohm = dV / dI;
    if (!(ohm > 0)) return;
    const temps = [...before, ...after].map(meanTempC).filter((t): t is number => t !== null);
    if (temps.length === 0) return;
    const tempC = mean(temps);
    const factor = resistanceFactor(tempC, cfg.activationK);
    const ohm25 = ohm / factor;
    const sigmaI = cfg.currentResolutionA / Math.sqrt(12);
    const relV = Math.hypot(lb.sigma, la.sigma) / Math.abs(dV);
    const relI = (sigmaI * Math.SQRT2) / Math.abs(dI);
    const t = tempC + 273.15;
    const relT = (cfg.activationK / (t * t)) * cfg.step.tempSigmaC;
    this.found.push({
      at: Math.round(this.stepAt),
      fromA: round(fromA, 3),
      toA: round(toA, 3),
      ohm: round(ohm, 6),
      tempC: round(tempC, 2),
      ohm25: round(ohm25, 6),
      sigmaOhm25: round(ohm25 * Math.hypot(relV, relI, relT), 6),
    });
  }
}

function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
