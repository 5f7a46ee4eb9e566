// `rikscha demo` (what `npm start` runs): the central side, a simulated station's hardware and the real station
// daemon, in one process, wired over the real paths (serial mock binding, MQTT, SQLite, HTTP).

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startCentral } from '../broker/central.ts';
import { systemClock } from '../lib/clock.ts';
import { createSimControlHandler } from '../hardware/control/sim-control-api.ts';
import { FaultInjector } from '../hardware/faults/fault-injector.ts';
import { SIM_RICKSHAW_GEOMETRY } from '../hardware/scenario/station-config-snippet.ts';
import { SimStation, simRickshawId } from '../hardware/station-sim/sim-station.ts';
import { mirrorBoard } from './demo-board.ts';
import { parseStationConfig } from '../station/config/station-config.ts';
import { startStation } from '../station/station.ts';
import { createLogger } from './logger.ts';
import { portOption, stringOption, UsageError } from './options.ts';
import { onShutdown } from './shutdown.ts';

export const DEMO_STATION = 'demo-1';
const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

/** Four packs at different states, so the dashboard shows a station mid-day. */
const DEMO_DOCKS = [
  {
    dock: 1,
    batteryId: 'RIK-13S-0001',
    pack: { series: 13 as const, capacityAh: 14, socPct: 22, ageCycles: 80, seed: 11 },
  },
  {
    dock: 2,
    batteryId: 'RIK-13S-0002',
    pack: { series: 13 as const, capacityAh: 14, socPct: 48, ageCycles: 310, seed: 12 },
  },
  {
    dock: 3,
    batteryId: 'RIK-13S-0003',
    pack: { series: 13 as const, capacityAh: 14, socPct: 71, ageCycles: 640, seed: 13 },
  },
  {
    dock: 4,
    batteryId: 'RIK-13S-0004',
    pack: { series: 13 as const, capacityAh: 14, socPct: 93, ageCycles: 15, seed: 14 },
  },
];

/** The demo's rickshaw: docked at dock 2, its controller read in service bay 1. */
export const DEMO_RICKSHAW = { dock: 2, bay: 1, name: 'Rikscha 3', km: 512 };

/** The demo's public GBFS feed: the demo station at a made-up spot, its service bay as the rickshaws' one dock. */
const DEMO_GBFS = {
  system: {
    id: 'rikscha-demo',
    name: { de: 'Rikscha Demo', en: 'Rikscha demo' },
    feedContactEmail: 'feed@rikscha.example',
  },
  stations: { [DEMO_STATION]: { name: 'Demo-Station', lat: 52.4862, lon: 13.4247, bays: 1 } },
  // Every 2 s: the demo runs at 10x, and a person watching the feed should see the ranges move.
  statusIntervalS: 2,
};

/** A virtual I/O board: an RGB LED per dock and per bay, a status LED, the acknowledge button and the 20x4 screen. */
const DEMO_IO_BOARD = {
  io: { type: 'virtual' as const },
  leds: {
    status: { type: 'single' as const, pins: { green: 2, red: 3 } },
    ...Object.fromEntries(
      DEMO_DOCKS.map((d) => [
        `dock-${d.dock}`,
        { type: 'rgb' as const, pins: { red: 3 * d.dock + 2, green: 3 * d.dock + 3, blue: 3 * d.dock + 4 } },
      ]),
    ),
    // The service bay's LED: amber blinking while the demo rickshaw's brake service is overdue.
    [`bay-${DEMO_RICKSHAW.bay}`]: { type: 'rgb' as const, pins: { red: 21, green: 22, blue: 23 } },
  },
  buttons: { acknowledge: { pin: 20, holdMs: 1000 } },
};

export async function runDemo(opts: Record<string, string | undefined>): Promise<void> {
  const log = createLogger();
  const mqttPort = portOption('--mqtt-port', opts.mqttPort, 'RIKSCHA_MQTT_PORT', 1883);
  const httpPort = portOption('--http-port', opts.httpPort, 'RIKSCHA_HTTP_PORT', 8080);
  const dataDir = stringOption(opts.dataDir, 'RIKSCHA_DATA_DIR', './data');
  const speed = Number(opts.speed ?? '10');
  if (!(speed > 0 && speed <= 1000))
    throw new UsageError(`--speed: expected a number in (0, 1000], got "${opts.speed}"`);
  const external = opts.mqttUrl;
  if (external && !/^mqtts?:\/\//.test(external))
    throw new UsageError(`--mqtt-url: expected mqtt://host:port, got "${external}"`);

  const sim = new SimStation({
    stationId: DEMO_STATION,
    // The rickshaw at dock 2 is in service bay 1: its motor controller has its own line, read by the bay.
    docks: DEMO_DOCKS.map((d) => ({
      ...d,
      charger: { unit: 1 },
      ...(d.dock === DEMO_RICKSHAW.dock ? { rickshaw: true, rickshawKm: DEMO_RICKSHAW.km } : {}),
    })),
    clock: systemClock,
    speed,
    seed: 42,
  });
  // 47 °C: past the station's 45 °C charge window but short of the BMS's own 50 °C trip, so the station must act.
  const faults = new FaultInjector(sim, { overTemperatureC: 47 });
  const simApi = createSimControlHandler(sim, faults);

  const central = await startCentral({
    dataDir: join(dataDir, 'central'),
    mqtt: external
      ? { url: external, username: opts.mqttUser ?? DEMO_STATION, password: opts.mqttPassword ?? '' }
      : { host: '127.0.0.1', port: mqttPort },
    http: { host: '127.0.0.1', port: httpPort },
    dashboardDir: DASHBOARD_DIR,
    logger: log.child({ component: 'central' }),
    extraRoutes: (req, res) => simApi(req, res),
    gbfs: DEMO_GBFS,
  });

  let stationPassword: string;
  let mqttUrl: string;
  if (external) {
    stationPassword = opts.mqttPassword ?? '';
    mqttUrl = external;
  } else {
    stationPassword = central.addStation(DEMO_STATION);
    const viewerPassword = central.addViewer('viewer');
    mqttUrl = `mqtt://127.0.0.1:${central.mqttPort}`;
    log.info(
      { url: `mqtt://viewer:${viewerPassword}@127.0.0.1:${central.mqttPort}` },
      `read-only viewer: mosquitto_sub -L 'mqtt://viewer:${viewerPassword}@127.0.0.1:${central.mqttPort}/rikscha/v1/#' -v`,
    );
  }

  // The demo rickshaw is in the registry by name, new from the workshop at 0 km: it has ridden past its brake
  // service (500 km), so the dashboard and the station screen say "Rikscha 3: Bremsen prüfen".
  central.rickshaws.registry.register(simRickshawId(DEMO_STATION, DEMO_RICKSHAW.dock), DEMO_RICKSHAW.name, {
    at: systemClock.now() - 30 * 86_400_000,
    odometerKm: 0,
  });

  // Mechanics log in on the dashboard to stop/resume charging, acknowledge faults, switch maintenance.
  const mechanicPassword = central.addMechanic('mechanic');
  log.info(
    { user: 'mechanic', password: mechanicPassword },
    `dashboard login for mechanic actions: user mechanic, password ${mechanicPassword}`,
  );

  await sim.start();

  const config = parseStationConfig(
    {
      stationId: DEMO_STATION,
      dataDir: join(dataDir, 'station'),
      mqtt: { url: mqttUrl, ...(external && opts.mqttUser ? { username: opts.mqttUser } : {}) },
      docks: DEMO_DOCKS.map((d) => ({
        dock: d.dock,
        bms: { type: 'jbd', port: sim.bmsAddress(d.dock) },
        charger: { type: 'riden', port: sim.chargerAddress(d.dock) ?? undefined, unit: 1, maxCurrentA: 6 },
      })),
      charging: { budget: { maxW: 1200 } },
      bays: [
        {
          bay: DEMO_RICKSHAW.bay,
          port: sim.vescAddress(DEMO_RICKSHAW.dock) ?? '',
          geometry: SIM_RICKSHAW_GEOMETRY,
        },
      ],
      ioBoard: DEMO_IO_BOARD,
    },
    'demo',
  );
  const station = await startStation(config, {
    clock: systemClock,
    log: log.child({ component: 'station' }),
    password: stationPassword,
  });
  const stopMirror = station.board
    ? mirrorBoard(
        station.board.board,
        sim.ioBoard,
        systemClock,
        { acknowledge: DEMO_IO_BOARD.buttons.acknowledge.pin },
        250,
        { acknowledge: DEMO_IO_BOARD.buttons.acknowledge.holdMs },
      )
    : () => undefined;

  log.info(
    { http: `http://127.0.0.1:${central.httpPort}`, mqttPort: central.mqttPort ?? null, dataDir },
    'rikscha demo running: open the dashboard in a browser',
  );

  onShutdown(log, async () => {
    stopMirror();
    await station.stop();
    await sim.stop();
    await central.close();
  });
}
