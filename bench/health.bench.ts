// Battery-health estimators against the simulator's truth: a seeded fleet of 24 packs (aged 0–40 %, drifting cells,
// a hot and a cold one, a few on short trips only) run for two weeks of daily use on the pack and charger models,
// the station's session tracker and the central combination; errors of state of health and resistance.

import type { Benchmark } from './benchmark.ts';
import { runFleetHealth, type FleetOutcome } from './support/fleet-health.ts';

const DAYS = 14;
let fleet: Promise<FleetOutcome> | null = null;
/** One fleet run feeds every figure below (each benchmark alone would rerun two simulated weeks). */
const outcome = (): Promise<FleetOutcome> => {
  fleet ??= Promise.resolve().then(() => {
    const r = runFleetHealth({ days: DAYS });
    for (const p of r.packs) {
      const e = p.estimates;
      process.stderr.write(
        `  ${p.id} ${p.label.padEnd(14)} SoH ${fmt(e.stateOfHealth.value)} ±${fmt(e.stateOfHealth.uncertainty)} (truth ${p.truth.sohPct.toFixed(2)})` +
          `  R25 ${fmt(e.internalResistance.value)} mΩ (truth ${p.truth.resistance25MilliOhm.toFixed(1)})` +
          `  sessions ${p.sessions.length}${e.stateOfHealth.reason ? `  [${e.stateOfHealth.reason}]` : ''}\n`,
      );
    }
    return r;
  });
  return fleet;
};

const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
const errors = (r: FleetOutcome, key: 'sohErrorPp' | 'resistanceErrorPct'): number[] =>
  r.packs.flatMap((p) => (p[key] === null ? [] : [p[key]]));
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export const benchmarks: Benchmark[] = [
  {
    name: `soh error mean, 24-pack fleet over ${DAYS} days`,
    unit: 'pp',
    target: 1.5,
    better: 'lower',
    run: async () => mean(errors(await outcome(), 'sohErrorPp')),
  },
  {
    name: `soh error worst, packs with enough data`,
    unit: 'pp',
    target: 3,
    better: 'lower',
    run: async () => Math.max(...errors(await outcome(), 'sohErrorPp')),
  },
  {
    name: 'soh not enough data (packs of 24 that said so)',
    unit: 'packs',
    target: 3,
    better: 'lower',
    run: async () => (await outcome()).packs.filter((p) => p.sohErrorPp === null).length,
  },
  {
    name: `resistance error mean (25 °C), 24-pack fleet`,
    unit: '%',
    target: 5,
    better: 'lower',
    run: async () => mean(errors(await outcome(), 'resistanceErrorPct')),
  },
  {
    name: 'resistance error worst, packs with enough data',
    unit: '%',
    target: 10,
    better: 'lower',
    run: async () => Math.max(...errors(await outcome(), 'resistanceErrorPct')),
  },
  {
    name: 'resistance not enough data (packs of 24 that said so)',
    unit: 'packs',
    target: 0,
    better: 'lower',
    run: async () => (await outcome()).packs.filter((p) => p.resistanceErrorPct === null).length,
  },
  {
    name: `soh and resistance fleet run, ${DAYS} simulated days x 24 packs (CPU time)`,
    unit: 's',
    target: 30,
    better: 'lower',
    run: async () => (await outcome()).cpuMs / 1000,
  },
];
