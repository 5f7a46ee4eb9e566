// A seeded fleet for checking battery-health estimators against the model's truth: packs aged from new to 40 %
// capacity lost, some with a drifting (weak, self-discharging) cell, one kept hot, one cold, a few used so lightly
// that no charge covers a wide enough window. Each pack gets its own daily-use habits.

import type { BatteryPackConfigInput } from '../battery/pack-config.ts';
import { SeededRandom } from '../battery/seeded-random.ts';

export interface FleetUsage {
  /** Share of the usable capacity a day's rides take, fraction (drawn per day between these). */
  depthMin: number;
  depthMax: number;
  /** Ride load, A (drawn per ride segment between these). */
  loadMinA: number;
  loadMaxA: number;
  /** Charge set-point as a multiple of rated Ah (1/h). */
  chargeC: number;
  /** Days the pack stays out (not docked, not charged), as a probability per day. */
  skipDayP: number;
  /** Probability that a day's charge is cut short by taking the pack out early. */
  pulledEarlyP: number;
}

export interface FleetPack {
  id: string;
  /** What is special about it, for reports. */
  label: string;
  pack: BatteryPackConfigInput;
  usage: FleetUsage;
  /** Ambient °C by day and night at this pack's station. */
  ambientDayC: number;
  ambientNightC: number;
}

/** Capacity lost with this many cycles (the model's fade law without calendar age), fraction. */
function fadeAt(cycles: number): number {
  return 0.0025 * Math.sqrt(cycles) + 0.00015 * cycles;
}

/** Cycles that cost `loss` of capacity (inverse of fadeAt by bisection). */
export function cyclesForFade(loss: number): number {
  let lo = 0;
  let hi = 5000;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (fadeAt(mid) < loss) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** `count` packs (at least 24), deterministic for a seed. */
export function fleetScenario(seed = 2026, count = 24): FleetPack[] {
  const rng = new SeededRandom(seed);
  const packs: FleetPack[] = [];
  for (let i = 0; i < count; i++) {
    // Ages spread evenly over 0..40 % capacity lost, in a shuffled order so specials land on all ages.
    const loss = (0.4 * i) / Math.max(1, count - 1);
    const label: string[] = [];
    const pack: BatteryPackConfigInput = {
      series: i % 5 === 4 ? 14 : 13,
      capacityAh: [14, 12, 17.5][i % 3] ?? 14,
      ageCycles: Math.min(5000, cyclesForFade(loss)),
      ageDays: Math.round(rng.uniform(30, 700)),
      socPct: Math.round(rng.uniform(40, 90)) as number,
      seed: (seed * 7919 + i * 104_729) % 0xffffffff,
    };
    const usage: FleetUsage = {
      depthMin: 0.45,
      depthMax: 0.85,
      loadMinA: 6,
      loadMaxA: 18,
      chargeC: rng.uniform(0.3, 0.6),
      skipDayP: 0.05,
      pulledEarlyP: 0.1,
    };
    let ambientDayC = rng.uniform(15, 28);
    let ambientNightC = ambientDayC - rng.uniform(4, 10);
    if (i % 6 === 2) {
      pack.weakCell = { index: i % 13, capacityPct: 93, selfDischargePctPerMonth: 25 };
      label.push('drifting cell');
    }
    if (i === 7) {
      // Parked in the sun at a station without shade, in an enclosure that sheds heat badly.
      ambientDayC = 38;
      ambientNightC = 30;
      pack.thermalResistanceKPerW = 4;
      label.push('hot');
    }
    if (i === 12) {
      ambientDayC = 4;
      ambientNightC = -3;
      label.push('cold');
    }
    if (i % 8 === 5) {
      // Short trips only: no charge spans a wide enough window to measure capacity.
      usage.depthMin = 0.08;
      usage.depthMax = 0.2;
      pack.socPct = 95;
      label.push('light use');
    }
    pack.ambientC = ambientNightC;
    packs.push({
      id: `fleet-${String(i + 1).padStart(2, '0')}`,
      label: label.join(', ') || 'ordinary',
      pack,
      usage,
      ambientDayC,
      ambientNightC,
    });
  }
  return packs;
}
