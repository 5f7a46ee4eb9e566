// Scenario files: the shipped ones are valid, problems are reported with their field paths, and a shipped scenario
// plays its whole timeline on a manual clock (faults on and off, a ride, a battery swap, the weather).

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { buildSimStation, ScenarioRunner } from './scenario-runner.ts';
import { loadScenario, parseScenario, type ScenarioInput } from './scenario-schema.ts';

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const minimal = (): ScenarioInput => ({
  stationId: 'test-1',
  docks: [
    { dock: 1, battery: { id: 'B-1' } },
    { dock: 2, battery: { id: 'B-2' } },
  ],
});
const problems = (input: unknown): string[] => {
  try {
    parseScenario(input, 'x.json');
    return [];
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
};

describe('scenario schema', () => {
  it('accepts every shipped scenario', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([
      'failing-battery.json',
      'flaky-bus.json',
      'hot-afternoon.json',
      'normal-day.json',
      'rickshaw-visits.json',
    ]);
    for (const f of files) expect(() => loadScenario(`${dir}${f}`), f).not.toThrow();
  });

  it('fills defaults', () => {
    const s = parseScenario(minimal());
    expect(s).toMatchObject({ ambientC: 20, speed: 1, seed: 1, timeline: [] });
    expect(s.docks[0]).toMatchObject({
      battery: { series: 13, capacityAh: 14, socPct: 50 },
      charger: { type: 'riden', unit: 1 },
    });
  });

  it('names the field of every problem, all at once', () => {
    const bad = {
      ...minimal(),
      stationId: 'Bad Id',
      docks: [
        { dock: 1, battery: { id: 'B-1', socPct: 120 } },
        { dock: 1, battery: { id: 'B-2', series: 12 }, charger: { unit: 300 } },
      ],
      timeline: [
        { at: 10, type: 'fault', dock: 1, fault: 'melted' },
        { at: 20, type: 'ride', dock: 7, durationS: 60 },
        { at: -1, type: 'ambient', ambientC: 20 },
        { at: 5, type: 'party' },
      ],
    };
    const p = problems(bad);
    for (const path of [
      'stationId',
      'docks[0].battery.socPct',
      'docks[1].battery.series',
      'docks[1].charger.unit',
      'timeline[0].fault',
      'timeline[2].at',
      'timeline[3].type',
    ]) {
      expect(
        p.some((x) => x.startsWith(`${path}:`)),
        `${path} in ${p.join(' | ')}`,
      ).toBe(true);
    }
    // Cross-field checks run once the shapes are right.
    const cross = problems({
      ...minimal(),
      docks: [
        { dock: 1, battery: { id: 'B-1', weakCell: 13 }, charger: { bus: 'a', unit: 1 } },
        { dock: 1, battery: { id: 'B-1' }, charger: { bus: 'a', unit: 1 } },
      ],
      timeline: [{ at: 20, type: 'ride', dock: 7, durationS: 60 }],
    });
    expect(cross).toEqual([
      'docks[0].battery.weakCell: must be below the series count 13',
      'docks[1].dock: dock 1 appears twice',
      'docks[1].battery.id: battery id B-1 appears twice',
      'docks[1].charger.unit: unit 1 is already used on bus a by dock 1',
      'timeline[0].dock: no dock 7 in this scenario (docks: 1)',
    ]);
  });

  it('says so when the file is missing or not JSON', () => {
    expect(() => loadScenario(`${dir}nope.json`)).toThrow(/cannot read/);
    expect(() => loadScenario(fileURLToPath(import.meta.url))).toThrow(/not valid JSON/);
  });
});

/** Advances the manual clock in slices, letting the runner's asynchronous port changes settle in between. */
async function play(clock: ManualClock, runner: ScenarioRunner, ms: number, sliceMs = 1000): Promise<void> {
  for (let t = 0; t < ms; t += sliceMs) {
    clock.advance(sliceMs);
    await runner.idle();
  }
}

describe('scenario runner', () => {
  it('plays flaky-bus on a manual clock: each fault applied on time, all cleared at the end', async () => {
    const s = loadScenario(`${dir}flaky-bus.json`);
    const clock = new ManualClock();
    const station = buildSimStation({ ...s, stationId: `flaky-${process.pid}` }, { clock });
    const runner = new ScenarioRunner(station, s);
    await station.start();
    runner.start();
    try {
      const stepS = (s.stepMs / 1000) * s.speed;
      // To just past 2400 s: stuck relay on dock 2, the 1800 s clear-all has undone the unplug.
      await play(clock, runner, (2400 / s.speed) * 1000 + 200);
      expect(runner.faults.active().map((f) => `${f.dock}:${f.fault}`)).toEqual(['2:stuck-relay']);
      expect(station.dock(1).bms.present).toBe(true);
      await play(clock, runner, (1300 / s.speed) * 1000);
      expect(runner.pending).toBe(0);
      expect(runner.applied.map((e) => e.type)).toEqual(s.timeline.map((e) => e.type));
      expect(runner.applied.filter((e) => e.error)).toEqual([]);
      for (const e of runner.applied) expect(e.appliedAtS - e.at).toBeLessThanOrEqual(stepS + 1e-9);
      expect(runner.faults.active()).toEqual([]);
      expect(station.docks.every((d) => !d.dock.riden?.registers.faults.stuckRelay)).toBe(true);
    } finally {
      runner.stop();
      await station.stop();
    }
  });

  it("plays normal-day's first ride and failing-battery's swap", async () => {
    const day = loadScenario(`${dir}normal-day.json`);
    const clock = new ManualClock();
    const station = buildSimStation({ ...day, stationId: `day-${process.pid}` }, { clock });
    const runner = new ScenarioRunner(station, day);
    await station.start();
    runner.start();
    const soc0 = station.dock(1).dock.pack.truth().socPct;
    await play(clock, runner, (3600 / day.speed) * 1000, 5000);
    expect(station.dock(1).dock.away).toBe(true);
    expect(station.dock(1).bms.present).toBe(false);
    expect(station.dock(1).vesc?.present).toBe(false);
    expect(station.dock(1).dock.pack.truth().socPct).toBeLessThan(soc0 - 10);
    await play(clock, runner, (2000 / day.speed) * 1000, 5000);
    expect(station.dock(1).dock.away).toBe(false);
    expect(station.dock(1).bms.present).toBe(true);
    runner.stop();
    await station.stop();

    const fail = loadScenario(`${dir}failing-battery.json`);
    const st2 = buildSimStation({ ...fail, stationId: `fail-${process.pid}` }, { clock });
    const r2 = new ScenarioRunner(st2, fail);
    await st2.start();
    r2.start();
    await play(clock, r2, (1000 / fail.speed) * 1000, 2000);
    expect(r2.faults.active()).toMatchObject([{ dock: 2, fault: 'cell-drift-high' }]);
    expect(Math.max(...st2.dock(2).dock.pack.cellVoltagesV())).toBeGreaterThan(4.25);
    await play(clock, r2, (2100 / fail.speed) * 1000, 2000);
    expect(st2.dock(2).dock.batteryId).toBe('RIK-13S-0399');
    expect(r2.pending).toBe(0);
    r2.stop();
    await st2.stop();
  });
});
