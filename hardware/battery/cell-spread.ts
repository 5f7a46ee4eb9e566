// Draws the per-element manufacturing spread of a pack (capacity, starting SoC, resistance, self-discharge) and the
// offsets of its two NTC sensors from the seeded generator, in a fixed order so a seed always builds the same pack.
import type { BatteryPackConfig } from './pack-config.ts';
import { SeededRandom } from './seeded-random.ts';

export interface CellParameters {
  /** Capacity as a multiple of rated, before ageing. */
  capacityFactor: number;
  /** Starting SoC offset from the configured pack SoC, as a fraction. */
  socOffset: number;
  /** Resistance as a multiple of the configured per-element resistance. */
  resistanceFactor: number;
  /** Self-discharge, fraction of capacity per 30-day month. */
  selfDischargePerMonth: number;
}

export interface SensorParameters {
  /** Calibration offset of the NTC, °C. */
  offsetC: number;
  /**
   * Where the sensor sits between the core (1) and the case wall (0): a sensor near the wall reads part way towards
   * ambient while the pack is warmer than the air, so the two sensors disagree more under load.
   */
  coreCoupling: number;
}

export interface PackSpread {
  cells: CellParameters[];
  sensors: [SensorParameters, SensorParameters];
}

export function drawPackSpread(config: BatteryPackConfig): PackSpread {
  const rng = new SeededRandom(config.seed);
  const spread = config.cellSpread;
  const cells: CellParameters[] = [];
  for (let i = 0; i < config.series; i++) {
    const capacityFactor = rng.truncatedNormal(1, spread.capacityPct / 100);
    const socOffset = rng.truncatedNormal(0, spread.socPct / 100);
    const resistanceFactor = rng.truncatedNormal(1, spread.resistancePct / 100);
    const selfDischarge = rng.truncatedNormal(1, spread.selfDischargePct / 100);
    cells.push({
      capacityFactor,
      socOffset,
      resistanceFactor,
      selfDischargePerMonth: Math.max(0, (selfDischarge * config.selfDischargePctPerMonth) / 100),
    });
  }
  const weak = config.weakCell;
  const weakCell = weak === undefined ? undefined : cells[weak.index];
  if (weak !== undefined && weakCell !== undefined) {
    weakCell.capacityFactor *= weak.capacityPct / 100;
    weakCell.selfDischargePerMonth = weak.selfDischargePctPerMonth / 100;
  }
  const sensors: [SensorParameters, SensorParameters] = [
    { offsetC: rng.truncatedNormal(0, 0.3), coreCoupling: 1 },
    { offsetC: rng.truncatedNormal(0, 0.3), coreCoupling: rng.uniform(0.8, 0.9) },
  ];
  return { cells, sensors };
}
