// A station on a manual clock against one simulated dock (in-process mock ports), with no central: for tests that
// step the charge loop tick by tick and look at what the station shows locally (I/O board, metrics port).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ManualClock } from '../../lib/manual-clock.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { parseStationConfig, type StationConfigInput } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';

export const MANUAL_TICK_MS = 100;

export interface ManualStation {
  clock: ManualClock;
  sim: SimStation;
  station: StationHandle;
  /** Advances the clock by whole ticks, letting the drivers' promises settle in between. */
  ticks(n: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startManualStation(
  id: string,
  extra: Partial<StationConfigInput> = {},
  log: Logger = pino({ level: 'silent' }),
): Promise<ManualStation> {
  const clock = new ManualClock();
  const sim = new SimStation({
    stationId: id,
    docks: [{ dock: 1, batteryId: `${id}-B1`, pack: { series: 13, socPct: 50, seed: 1 }, charger: { unit: 1 } }],
    clock,
    speed: 1,
    seed: 3,
  });
  await sim.start();
  const config = parseStationConfig({
    stationId: id,
    dataDir: join(mkdtempSync(join(tmpdir(), 'rikscha-manual-')), 'station'),
    // Nobody listens there: the station runs without its link, as it must.
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    tickMs: MANUAL_TICK_MS,
    docks: [
      {
        dock: 1,
        bms: { type: 'jbd', port: sim.bmsAddress(1) },
        charger: { type: 'riden', port: sim.chargerAddress(1) ?? undefined },
      },
    ],
    ...extra,
  });
  const station = await startStation(config, { clock, log, password: 'x' });
  return {
    clock,
    sim,
    station,
    ticks: async (n) => {
      for (let i = 0; i < n; i++) await clock.advanceAsync(MANUAL_TICK_MS, 10);
    },
    stop: async () => {
      // The chargers' last "off" goes over the simulated line, whose replies follow this clock: keep it moving.
      let stopped = false;
      const stopping = station.stop().finally(() => (stopped = true));
      while (!stopped) await clock.advanceAsync(MANUAL_TICK_MS, 10);
      await stopping;
      await sim.stop();
    },
  };
}
