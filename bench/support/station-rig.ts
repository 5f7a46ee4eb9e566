// The loop benches' rig: a SimStation whose docks (JBD BMS + Riden charger each) sit on socat ptys, optionally service
// bays with a docked rickshaw's VESC on ptys of their own, an embedded central (MQTT on a free port) and the real
// station daemon polling them all and publishing telemetry; stop() undoes all.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCentral, type Central } from '../../broker/central.ts';
import { systemClock } from '../../lib/clock.ts';
import { FaultInjector } from '../../hardware/faults/fault-injector.ts';
import { ptyPortFactory } from '../../hardware/ports/pty-port.ts';
import { SIM_RICKSHAW_GEOMETRY } from '../../hardware/scenario/station-config-snippet.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { parseStationConfig } from '../../station/config/station-config.ts';
import { startStation, type StationHandle } from '../../station/station.ts';
import { requireTool } from '../../test/support/socat.ts';

export const RIG_STATION = 'bench-1';

export interface StationRig {
  sim: SimStation;
  faults: FaultInjector;
  central: Central;
  station: StationHandle;
  stop(): Promise<void>;
}

/** `bays`: how many service bays, each reading a rickshaw's VESC docked at docks 1..bays (0: none). */
export async function startStationRig(docks: number, bays = 0): Promise<StationRig> {
  if (bays > docks) throw new Error(`bench rig: ${bays} bays need as many docks, got ${docks}`);
  requireTool('socat', 'socat');
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-bench-'));
  const log = pino({ level: process.env.RIKSCHA_BENCH_LOG ?? 'silent' });
  const dockList = Array.from({ length: docks }, (_, i) => ({
    dock: i + 1,
    batteryId: `BENCH-13S-${String(i + 1).padStart(4, '0')}`,
    // Low enough that every pack charges for the whole run.
    pack: { series: 13 as const, capacityAh: 14, socPct: 20 + 5 * i, ageCycles: 50, seed: 100 + i },
    charger: { unit: 1 },
    ...(i < bays ? { rickshaw: true, rickshawKm: 400 + 100 * i } : {}),
  }));
  // Real time, and the replies paced at each line's baud: the station meets what it would on real UARTs.
  const sim = new SimStation({
    stationId: RIG_STATION,
    docks: dockList,
    clock: systemClock,
    speed: 1,
    seed: 7,
    ports: ptyPortFactory(dir),
    paceReplies: true,
  });
  // 65 °C: above the BMS's own 50 °C trip, so the BMS frame carries a protection flag.
  const faults = new FaultInjector(sim, { overTemperatureC: 65 });
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse())
      await s().catch((err: unknown) => process.stderr.write(`bench rig stop: ${String(err)}\n`));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const central = await startCentral({
      dataDir: join(dir, 'central'),
      mqtt: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      logger: log.child({ component: 'central' }),
      retention: null,
    });
    stops.push(() => central.close());
    const password = central.addStation(RIG_STATION);
    await sim.start();
    stops.push(() => sim.stop());
    const config = parseStationConfig(
      {
        stationId: RIG_STATION,
        dataDir: join(dir, 'station'),
        mqtt: { url: `mqtt://127.0.0.1:${central.mqttPort ?? 0}` },
        docks: dockList.map((d) => ({
          dock: d.dock,
          bms: { type: 'jbd', port: sim.bmsAddress(d.dock) },
          charger: { type: 'riden', port: sim.chargerAddress(d.dock) ?? undefined, unit: 1, maxCurrentA: 6 },
        })),
        charging: { budget: { maxW: docks * 400 } },
        bays: Array.from({ length: bays }, (_, i) => ({
          bay: i + 1,
          port: sim.vescAddress(i + 1) ?? '',
          geometry: SIM_RICKSHAW_GEOMETRY,
        })),
      },
      'bench',
    );
    const station = await startStation(config, {
      clock: systemClock,
      log: log.child({ component: 'station' }),
      password,
    });
    stops.push(() => station.stop());
    return { sim, faults, central, station, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
