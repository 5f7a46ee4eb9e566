// The station config that points a real `rikscha station` at a running simulator's devices (same shape as
// station/config/station-config.ts, built as plain data so hardware/ does not import station/).

import { BMS_BAUD, RIDEN_BAUD, VESC_BAUD, type SimStation } from '../station-sim/sim-station.ts';

/** The simulated rickshaws' wheel and motor (VescSim's default: 23 pole pairs, 1.65 m circumference). */
export const SIM_RICKSHAW_GEOMETRY = { wheelDiameterM: 1.65 / Math.PI, motorPoles: 46, gearRatio: 1 };

export interface StationConfigSnippetOptions {
  mqttUrl?: string;
  dataDir?: string;
  /** Largest current the station may ask of each Riden, A. Default 10. */
  maxCurrentA?: number;
}

export function stationConfigFor(station: SimStation, opts: StationConfigSnippetOptions = {}) {
  return {
    stationId: station.stationId,
    dataDir: opts.dataDir ?? `./data/${station.stationId}`,
    mqtt: { url: opts.mqttUrl ?? 'mqtt://127.0.0.1:1883' },
    docks: station.docks.map((d) => ({
      dock: d.dock.dock,
      series: d.dock.pack.series,
      bms: { type: 'jbd' as const, port: d.bms.hostAddress, baudRate: BMS_BAUD },
      charger: d.charger
        ? {
            type: 'riden' as const,
            port: d.charger.hostAddress,
            unit: d.chargerUnit ?? 1,
            baudRate: RIDEN_BAUD,
            maxCurrentA: opts.maxCurrentA ?? 10,
          }
        : { type: 'none' as const },
    })),
    // A rickshaw's controller on its own line: the bay has the dock's number.
    bays: station.docks.flatMap((d) =>
      d.vesc
        ? [{ bay: d.dock.dock, port: d.vesc.hostAddress, baudRate: VESC_BAUD, geometry: SIM_RICKSHAW_GEOMETRY }]
        : [],
    ),
  };
}
