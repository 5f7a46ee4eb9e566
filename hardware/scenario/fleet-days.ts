// Plays a fleet pack's days on the model alone, faster than real time: out on rides in the day, back to a dock in
// the afternoon, a rest, a charge that starts with a low-current step, a night at rest. A dock's BMS readings (with
// the JBD's resolution) go to an observer, so estimators can be run and checked against the model's truth.

import type { BmsReading } from '../../firmware-bridge/bms/bms.ts';
import { BatteryPack } from '../battery/battery-pack.ts';
import { ChargerModel } from '../battery/charger-model.ts';
import { SeededRandom } from '../battery/seeded-random.ts';
import type { FleetPack } from './fleet-scenario.ts';

export interface FleetObserver {
  /** A BMS reading while the pack is docked, at epoch ms `at`. */
  reading(at: number, reading: BmsReading): void;
  /** The pack has left the dock. */
  absent(at: number): void;
}

export interface FleetRunOptions {
  days: number;
  /** Epoch ms of the first midnight. */
  startAt: number;
  /** Low current of the first charge step, multiple of rated Ah. Default 0.1. */
  stepC?: number;
  /** How long the low step lasts, s. Default 40. */
  stepS?: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;

/** The pack as a JBD BMS reports it: cells to 1 mV, pack to 10 mV, current to 10 mA, temperatures to 0.1 °C. */
export function jbdView(id: string, pack: BatteryPack): BmsReading {
  const cells = pack.cellVoltagesV();
  const lo = Math.min(...cells);
  const balancing = Math.max(...cells) > 4.0 ? cells.flatMap((v, i) => (v - lo > 0.015 ? [i + 1] : [])) : [];
  return {
    id,
    voltageV: Math.round(pack.terminalVoltageV() * 100) / 100,
    currentA: Math.round(pack.currentA() * 100) / 100,
    socPct: Math.round(pack.socPct()),
    remainingAh: Math.round(pack.remainingAh() * 100) / 100,
    nominalAh: pack.ratedCapacityAh,
    cycles: Math.floor(pack.cycles),
    cellsV: cells.map((v) => Math.round(v * 1000) / 1000),
    tempsC: pack.temperaturesC().map((t) => Math.round(t * 10) / 10),
    protection: [],
    chargeFetOn: true,
    dischargeFetOn: true,
    balancing,
  };
}

export class FleetPackRun {
  readonly pack: BatteryPack;
  private readonly charger = new ChargerModel({ maxSubstepS: 2 });
  private readonly rng: SeededRandom;
  private t: number;

  constructor(
    readonly spec: FleetPack,
    private readonly opts: FleetRunOptions,
    private readonly observer: FleetObserver,
  ) {
    this.pack = new BatteryPack(spec.pack);
    this.rng = new SeededRandom((spec.pack.seed ?? 1) ^ 0x5eed);
    this.t = opts.startAt;
  }

  /** Runs every day; the pack ends docked and rested at the last morning. */
  run(): BatteryPack {
    this.docked(this.opts.startAt + 7 * HOUR, 60);
    for (let d = 0; d < this.opts.days; d++) this.day(this.opts.startAt + d * 24 * HOUR);
    return this.pack;
  }

  private day(midnight: number): void {
    const u = this.spec.usage;
    const rng = this.rng;
    this.observer.absent(this.t);
    this.pack.setAmbient(this.spec.ambientDayC);
    const back = midnight + 16 * HOUR + rng.uniform(0, 2) * HOUR;
    if (rng.next() < u.skipDayP) {
      // Out all day and night (a rental, a breakdown): back the next morning, uncharged.
      this.idle(midnight + 31 * HOUR - this.t);
      return;
    }
    this.ride(back, rng.uniform(u.depthMin, u.depthMax));
    this.pack.setAmbient(this.spec.ambientNightC);
    // The station rests a returned pack before it charges (for a rested voltage); some days it cannot wait.
    const restMin = rng.next() < 0.1 ? 10 : rng.uniform(40, 120);
    this.docked(this.t + restMin * MIN, 60);
    const pulled = rng.next() < u.pulledEarlyP ? this.t + rng.uniform(30, 90) * MIN : null;
    this.charge(pulled);
    if (pulled !== null && this.t >= pulled) {
      this.observer.absent(this.t);
      this.idle(midnight + 31 * HOUR - this.t);
      this.observer.reading(this.t, jbdView(this.spec.id, this.pack));
      return;
    }
    // A reading a minute while the pack settles; overnight one every 5 minutes is plenty (only rest time passes).
    this.docked(this.t + 40 * MIN, 60);
    this.docked(midnight + 31 * HOUR, 300);
  }

  /** Rides until `until` or until `depth` of the usable charge is used, in ride and pause segments. */
  private ride(until: number, depth: number): void {
    const u = this.spec.usage;
    const target = this.pack.remainingAh() - depth * this.pack.fullChargeAh();
    while (this.t < until && this.pack.remainingAh() > Math.max(target, 0.05 * this.pack.fullChargeAh())) {
      const load = this.rng.uniform(u.loadMinA, u.loadMaxA);
      const s = Math.min(20 * 60, (until - this.t) / 1000);
      this.pack.discharge(s, load);
      this.t += s * 1000;
      this.idle(Math.min(15 * MIN, until - this.t));
    }
    this.idle(until - this.t);
  }

  private idle(ms: number): void {
    if (ms <= 0) return;
    this.pack.step(ms / 1000, 0);
    this.t += ms;
  }

  /** Docked without charging until `until`, a reading every `everyS`. */
  private docked(until: number, everyS: number): void {
    this.charger.setOutput(false);
    while (this.t < until) {
      const s = Math.min(everyS, (until - this.t) / 1000);
      this.balance();
      this.pack.step(s, 0);
      this.t += s * 1000;
      this.observer.reading(this.t, jbdView(this.spec.id, this.pack));
    }
  }

  private balance(): void {
    const cells = this.pack.cellVoltagesV();
    const lo = Math.min(...cells);
    this.pack.setBalancing(Math.max(...cells) > 4.0 ? cells.flatMap((v, i) => (v - lo > 0.015 ? [i] : [])) : []);
  }

  /**
   * CC/CV charge with a low-current first step. A cell at 4.2 V under current makes the station take the current
   * down by 15 % (as the station's cell limit does); it ends below C/20, or at `pulledAt`.
   */
  private charge(pulledAt: number | null): void {
    const p = this.pack;
    const rated = p.ratedCapacityAh;
    const c = this.charger;
    const stepS = this.opts.stepS ?? 40;
    c.setVoltage(p.series * 4.2);
    c.setCurrent((this.opts.stepC ?? 0.1) * rated);
    c.setOutput(true);
    const started = this.t;
    let setA = this.spec.usage.chargeC * rated;
    let stepped = false;
    for (;;) {
      const sinceS = (this.t - started) / 1000;
      if (sinceS >= stepS && !stepped) {
        stepped = true;
        c.setCurrent(setA);
      }
      const dt = sinceS < stepS + 60 ? 2 : 10;
      this.balance();
      const r = c.step(p, dt);
      this.t += dt * 1000;
      this.observer.reading(this.t, jbdView(this.spec.id, p));
      if (stepped && Math.max(...p.cellVoltagesV()) >= 4.2) {
        setA = Math.min(setA, r.currentA) * 0.85;
        c.setCurrent(setA);
      }
      const done = (r.mode === 'cv' || setA < r.currentA + 0.01) && r.currentA < 0.05 * rated;
      if (done || (pulledAt !== null && this.t >= pulledAt) || this.t - started > 10 * HOUR) break;
    }
    c.setOutput(false);
  }
}
