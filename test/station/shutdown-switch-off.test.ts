// A stopping station leaves no charger running (the station README promises it): the station charges three docks of
// the simulator (two chargers share one RS-485 line), stops, and the simulator's side says every output is off, in
// the Riden's OUTPUT register and in the charger model that drives the battery.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { RidenReg } from '../../firmware-bridge/charger/riden-registers.ts';
import { systemClock } from '../../lib/clock.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation } from '../../station/station.ts';
import { waitFor } from '../support/wait-for.ts';

const ID = 'shutdown-test';
const DOCKS = [1, 2, 3];
let sim: SimStation | null = null;

afterAll(async () => {
  await sim?.stop();
});

/** What the simulator knows about each charger: the firmware's OUTPUT register and the physical output. */
function outputs(s: SimStation): { dock: number; register: number; physical: boolean }[] {
  return s.docks.map(({ dock }) => {
    const riden = dock.riden;
    if (!riden) throw new Error(`dock ${dock.dock} has no Riden`);
    const reg = riden.registers.read(RidenReg.output, 1);
    if (typeof reg === 'number') throw new Error(`dock ${dock.dock}: OUTPUT read gave exception ${reg}`);
    return { dock: dock.dock, register: reg[0] ?? -1, physical: dock.charger.getSetpoints().outputOn };
  });
}

describe('station stop', () => {
  it('switches every charger off before it lets go of the lines', async () => {
    sim = new SimStation({
      stationId: ID,
      docks: DOCKS.map((dock) => ({
        dock,
        batteryId: `${ID}-B${dock}`,
        pack: { series: 13 as const, socPct: 30 + 10 * dock, seed: dock },
        charger: dock === 1 ? { unit: 1 } : { unit: dock, bus: 'shared' },
      })),
      clock: systemClock,
      speed: 1,
      seed: 11,
    });
    await sim.start();
    const simNow = sim;
    const config = parseStationConfig({
      stationId: ID,
      dataDir: join(mkdtempSync(join(tmpdir(), 'rikscha-shutdown-')), 'station'),
      // Nobody listens there: the station charges without its link, as it must.
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      docks: DOCKS.map((dock) => ({
        dock,
        bms: { type: 'jbd', port: simNow.bmsAddress(dock) },
        charger: { type: 'riden', port: simNow.chargerAddress(dock) ?? undefined, unit: dock },
      })),
    });
    const station = await startStation(config, { clock: systemClock, log: pino({ level: 'silent' }), password: 'x' });

    await waitFor(() => outputs(simNow).every((o) => o.register === 1 && o.physical), {
      what: 'every simulated charger switched on by the station',
      timeoutMs: 30_000,
    });
    expect(station.docks().map((d) => d.state)).toEqual(['charging', 'charging', 'charging']);

    await station.stop();
    // Right after stop() resolves, before anything else could switch them: the simulator has every output off.
    expect(outputs(simNow)).toEqual(DOCKS.map((dock) => ({ dock, register: 0, physical: false })));
    // An event raised by a late callback after the database closed is dropped (seq 0), not thrown.
    expect(station.raise({ type: 'late-reading', severity: 'info', dock: 1, message: 'after stop' })).toBe(0);
  }, 60_000);
});
