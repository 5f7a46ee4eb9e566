// The rickshaw-visits scenario on a manual clock: each rickshaw's controller has its own hardware id, leaves its
// bay for a ride and comes back with more kilometres on the tachometer, and one reports a motor fault for a while.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tachoToKm } from '../../firmware-bridge/vesc/vesc-odometer.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { buildSimStation, ScenarioRunner } from './scenario-runner.ts';
import { loadScenario } from './scenario-schema.ts';
import { stationConfigFor } from './station-config-snippet.ts';

const file = fileURLToPath(new URL('../scenarios/rickshaw-visits.json', import.meta.url));
const geometry = { polePairs: 23, wheelCircumferenceM: 1.65 };

describe('rickshaw-visits scenario', () => {
  it('rickshaws leave, ride, come back with more km, and one has a motor fault', async () => {
    const s = loadScenario(file);
    const clock = new ManualClock();
    const station = buildSimStation({ ...s, stationId: `rk-${process.pid}` }, { clock });
    const runner = new ScenarioRunner(station, s);
    const km = (dock: number) => tachoToKm(station.dock(dock).dock.vesc?.values().tachometerAbs ?? 0, geometry);
    const play = async (simS: number) => {
      for (let t = 0; t < (simS / s.speed) * 1000; t += 5000) {
        clock.advance(5000);
        await runner.idle();
      }
    };
    await station.start();
    runner.start();
    try {
      const config = stationConfigFor(station);
      expect(config.bays.map((b) => b.bay)).toEqual([1, 2]);
      expect(config.bays[0]?.port).toBe(station.dock(1).vesc?.hostAddress);
      expect(km(1)).toBeCloseTo(480, 1);
      expect(km(2)).toBeCloseTo(12, 1);

      await play(700); // rickshaw 1 has left
      expect(station.dock(1).vesc?.present).toBe(false);
      await play(3600); // and is back after an hour at 14 km/h
      expect(station.dock(1).vesc?.present).toBe(true);
      expect(km(1)).toBeCloseTo(494, 0);

      expect(station.dock(2).dock.vesc?.values().fault.name).toBe('OVER_TEMP_MOTOR');
      expect(km(2)).toBeCloseTo(24, 0); // 40 min at 18 km/h
      await play(1200);
      expect(station.dock(2).dock.vesc?.values().fault.name).toBe('NONE');
      expect(runner.applied.filter((a) => a.type === 'rickshaw-fault').map((a) => a.error)).toEqual([
        undefined,
        undefined,
      ]);
    } finally {
      runner.stop();
      await station.stop();
    }
  });
});
