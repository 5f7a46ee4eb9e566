// A real central and a real station daemon in this process, the station on simulated docks (JBD packs, Riden
// chargers on their own wire protocols): the set-up the station's end-to-end tests share. Each test adds what it is
// about (an I/O board, bays, tighter intervals) as station config and central options.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startCentral, type Central, type CentralOptions } from '../../broker/central.ts';
import { systemClock } from '../../lib/clock.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';

export interface RigPack {
  dock: number;
  batteryId: string;
  socPct: number;
  /** Pack seed; the dock number when left out. */
  seed?: number;
  /** A Riden charger on the dock (default true). */
  charger?: boolean;
}

export interface RigOptions {
  /** Start of the temporary data directory's name. */
  prefix: string;
  stationId: string;
  log: Logger;
  packs: RigPack[];
  /** The simulator's seed (default 5). */
  seed?: number;
  /** Central options beyond data dir, free ports and logger. */
  central?: Partial<CentralOptions>;
  /** Station config keys beyond id, data dir, broker and the docks. */
  station?: Record<string, unknown>;
}

export interface SimStationRig {
  dir: string;
  central: Central;
  sim: SimStation;
  station: StationHandle;
  /** Stops station, simulator and central, and removes the data directory. */
  stop(): Promise<void>;
}

export async function startSimStationRig(o: RigOptions): Promise<SimStationRig> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  const central = await startCentral({
    dataDir: join(dir, 'central'),
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: o.log,
    ...o.central,
  });
  const password = central.addStation(o.stationId);
  const sim = new SimStation({
    stationId: o.stationId,
    docks: o.packs.map((p) => ({
      dock: p.dock,
      batteryId: p.batteryId,
      pack: { series: 13 as const, socPct: p.socPct, seed: p.seed ?? p.dock },
      ...(p.charger === false ? {} : { charger: { unit: 1 } }),
    })),
    clock: systemClock,
    speed: 1,
    seed: o.seed ?? 5,
  });
  await sim.start();
  const config = parseStationConfig({
    stationId: o.stationId,
    dataDir: join(dir, 'station'),
    mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort}` },
    docks: o.packs.map((p) => ({
      dock: p.dock,
      bms: { type: 'jbd', port: sim.bmsAddress(p.dock) },
      ...(p.charger === false
        ? {}
        : { charger: { type: 'riden', port: sim.chargerAddress(p.dock) ?? undefined, unit: 1 } }),
    })),
    ...o.station,
  });
  const station = await startStation(config, { clock: systemClock, log: o.log, password });
  return {
    dir,
    central,
    sim,
    station,
    async stop() {
      await station.stop();
      await sim.stop();
      await central.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
