// Property test of the tick over random stations: mostly healthy docks whose chargers follow the commands (so a good
// share of runs really grant current and the budget and limit checks bite), with faults, stale readings, disobedient
// chargers, retired packs and maintenance mixed in. The share of runs that grant is asserted, not assumed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChargeController } from './charge-controller.ts';
import { chargingConfig } from './charging-config.ts';
import type { ChargeCommand, DockInput, TickResult } from './charging-types.ts';
import { bmsReading, chargerReading, T0 } from './charging-test-kit.ts';

const H = 3_600_000;
const RUNS = 200;

/** Drawn once per dock and run: the battery in it and how the dock is set up. Healthy with good odds. */
const dockArb = fc.record({
  present: fc.constantFrom(true, true, true, true, false),
  series: fc.constantFrom<13 | 14>(13, 14),
  /** Extra cells beyond the dock's series: 0 mostly; otherwise a pack of the wrong class. */
  wrongClass: fc.constantFrom(false, false, false, false, false, false, false, true),
  chargerMaxA: fc.double({ min: 0.5, max: 20, noNaN: true }),
  soc: fc.integer({ min: 0, max: 100 }),
  nominalAh: fc.double({ min: 2, max: 30, noNaN: true }),
  cellV: fc.oneof(
    { weight: 5, arbitrary: fc.double({ min: 3.2, max: 4.1, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: 2.4, max: 4.3, noNaN: true }) },
  ),
  temp: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 5, max: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: -10, max: 55 }) },
  ),
  departureInH: fc.option(fc.double({ min: 0.5, max: 12, noNaN: true }), { freq: 3 }),
  retire: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  maintenance: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
});

/** Drawn per dock and tick: what goes wrong this time (mostly nothing). */
const roundArb = fc.record({
  flags: fc.constantFrom<string[]>([], [], [], [], [], [], [], [], ['short-circuit'], ['charge-over-temperature']),
  bmsAge: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 400, 5000),
  chargerAge: fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 5000),
  /** null: the charger does what it was told; a number: it shows this output current whatever it was told. */
  disobeyA: fc.option(fc.double({ min: 0, max: 25, noNaN: true }), { freq: 12 }),
  socStep: fc.integer({ min: -1, max: 2 }),
});

const stationArb = fc.array(dockArb, { minLength: 1, maxLength: 24 }).chain((docks) =>
  fc.tuple(
    fc.constant(docks),
    fc.array(fc.array(roundArb, { minLength: docks.length, maxLength: docks.length }), {
      minLength: 1,
      maxLength: 6,
    }),
  ),
);

/** Budgets from starving to plenty, so a tight budget must be shared as often as a loose one is merely obeyed. */
// Integers, not doubles: fast-check's doubles crowd near 0 W, where nothing is granted.
const budgetArb = fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 30_000 }));

type Out = { on: boolean; setI: number };

function obey(outs: Out[], commands: readonly ChargeCommand[]): void {
  for (const c of commands) {
    const o = outs[c.dock - 1];
    if (!o) continue;
    if (c.kind === 'on') o.on = true;
    else if (c.kind === 'off') o.on = false;
    else if (c.kind === 'set') o.setI = c.currentA;
  }
}

function checkTick(r: TickResult, inputs: DockInput[], maxW: number): void {
  const cfg = chargingConfig();
  let w = 0;
  for (const v of r.docks) {
    const input = inputs.find((x) => x.dock === v.dock);
    if (!input) throw new Error('view without input');
    if (v.grantedA > 0) {
      expect(['charging', 'balancing']).toContain(v.state);
      expect(v.quarantined).toBe(false);
      const b = input.bms?.value;
      expect(b).toBeDefined();
      expect(input.health?.retire).not.toBe(true);
      expect(v.grantedA).toBeLessThanOrEqual(input.config.chargerMaxA + 1e-9);
      expect(v.grantedA).toBeLessThanOrEqual(cfg.chargeCRate * (b?.nominalAh ?? 0) + 1e-9);
    }
    w += (v.grantedA * v.setVoltageV) / cfg.budget.efficiency;
  }
  expect(w).toBeLessThanOrEqual(maxW + 1e-6);
  for (const cmd of r.commands) {
    if (cmd.kind === 'set' && cmd.currentA > 0) {
      const v = r.docks.find((x) => x.dock === cmd.dock);
      expect(['charging', 'balancing']).toContain(v?.state);
    }
  }
}

describe('property: random stations, budgets and readings', () => {
  it('grants stay within the budget and each limit, and nothing goes to a dock in fault, quarantine, maintenance or empty', () => {
    let runs = 0;
    let runsGranting = 0;
    fc.assert(
      fc.property(stationArb, budgetArb, ([docks, rounds], maxW) => {
        const c = new ChargeController({ budget: { maxW } });
        docks.forEach((d, i) => d.maintenance && c.setMaintenance(i + 1, true));
        const outs: Out[] = docks.map(() => ({ on: false, setI: 0 }));
        const socs = docks.map((d) => d.soc);
        let granted = false;
        let now = T0;
        for (const round of rounds) {
          const inputs: DockInput[] = docks.map((d, i) => {
            const x = round[i];
            const o = outs[i];
            if (!x || !o) throw new Error('round shorter than the station');
            const soc = (socs[i] = Math.min(100, Math.max(0, (socs[i] ?? 0) + x.socStep)));
            const cells = d.wrongClass ? (d.series === 13 ? 14 : 13) : d.series;
            const outA = x.disobeyA ?? (o.on ? o.setI : 0);
            return {
              dock: i + 1,
              config: { series: d.series, chargerMaxA: d.chargerMaxA },
              departureAt: d.departureInH === null ? null : T0 + d.departureInH * H,
              bms: d.present
                ? {
                    at: now - x.bmsAge,
                    value: bmsReading({
                      id: `b${i}`,
                      socPct: soc,
                      nominalAh: d.nominalAh,
                      cellsV: Array.from({ length: cells }, () => d.cellV),
                      voltageV: cells * d.cellV,
                      tempsC: [d.temp],
                      protection: [...x.flags],
                    }),
                  }
                : null,
              charger: {
                at: now - x.chargerAge,
                value: chargerReading({
                  at: now - x.chargerAge,
                  outputOn: x.disobeyA === null ? o.on : outA > 0,
                  currentA: outA,
                  setCurrentA: o.setI,
                }),
              },
              health: { retire: d.retire },
            };
          });
          const r = c.tick({ now, docks: inputs });
          checkTick(r, inputs, maxW);
          if (r.docks.some((v) => v.grantedA > 0)) granted = true;
          obey(outs, r.commands);
          now += 100;
        }
        runs++;
        if (granted) runsGranting++;
      }),
      { numRuns: RUNS, seed: 7 },
    );
    // The properties above only mean something when current is granted: most runs must do so.
    expect(runs).toBe(RUNS);
    expect(runsGranting / runs).toBeGreaterThanOrEqual(0.3);
  });
});
