// The station daemon composed: device lines and pollers per dock, the charge loop with its safety interlocks,
// the telemetry clock, local history, the outbox and the MQTT link with its commands.
// Everything it needs (clock, logger, credentials) comes in through `startStation`, so tests and the demo run it as is.

import type { Logger } from 'pino';
import type Database from 'better-sqlite3';
import type { DockTelemetry, StationEvent, StationMetrics } from '../contract/messages.ts';
import type { Clock } from '../lib/clock.ts';
import { ChargeController } from './charging/charge-controller.ts';
import { chargingConfig } from './charging/charging-config.ts';
import { DailyDepartures } from './charging/daily-departures.ts';
import { applyCommand } from './commands/station-commands.ts';
import type { StationConfig } from './config/station-config.ts';
import { createStationDevices, type StationDevices } from './devices/dock-devices.ts';
import { screenLanguage } from './display/screen-language.ts';
import type { StationBoard } from './display/station-board.ts';
import type { startMetricsServer } from './observe/metrics-server.ts';
import { createStationBays, type StationBays } from './bays/station-bays.ts';
import { ChargeLoop } from './loop/charge-loop.ts';
import { SystemdWatchdog } from '../lib/systemd-watchdog.ts';
import { kickOnUnsafeReadings } from './loop/unsafe-kick.ts';
import { StationLink, type CommandHandler } from './mqtt/station-link.ts';
import { History } from './store/history.ts';
import { Outbox } from './store/outbox.ts';
import { openStationDb } from './store/station-db.ts';
import { StoreSpace } from './store/store-space.ts';
import { EventRaiser } from './telemetry/event-raiser.ts';
import { StationHealth } from './health/station-health.ts';
import { RetiredPacks } from './health/retired-packs.ts';
import { stationDockTelemetry } from './telemetry/dock-telemetry.ts';
import { HistoryRecorder } from './telemetry/history-recorder.ts';
import { stationMetrics } from './telemetry/station-metrics.ts';
import { TelemetryPublisher } from './telemetry/telemetry-publisher.ts';

export const STATION_VERSION = '0.1.0';

export interface StationDeps {
  clock: Clock;
  log: Logger;
  /** MQTT password (from the config, its password file, or the demo). */
  password: string;
}

export interface StationHandle {
  readonly stationId: string;
  readonly link: StationLink;
  readonly outbox: Outbox;
  /** The station's database connection (tests limit its size with PRAGMA max_page_count, which is per connection). */
  readonly db: Database.Database;
  /** What a full database has cost so far (history, telemetry, reserve, events held). */
  readonly store: StoreSpace;
  readonly loop: ChargeLoop;
  readonly controller: ChargeController;
  readonly devices: StationDevices;
  /** The service bays and the rickshaws docked in them. */
  readonly bays: StationBays;
  /** The I/O board, when the config has one. */
  readonly board: StationBoard | null;
  /** Latest dock objects, as the next telemetry message will carry them. */
  docks(): DockTelemetry[];
  /** Port of the local /metrics and /healthz server, null when the config has none. */
  readonly metricsPort: number | null;
  /** Stores an event in the outbox with its seq and sends it. */
  raise(event: Omit<StationEvent, 'stationId' | 'ts' | 'seq'>): number;
  stop(): Promise<void>;
}

/**
 * A part's logger. A caller that already bound `component` (the CLI and the demo bind 'station') gets the parts under
 * `part`: a key twice in one line would lose one of them in journald.
 */
export function partLogger(log: Logger, name: string): Logger {
  return log.child('component' in log.bindings() ? { part: name } : { component: name });
}

export async function startStation(config: StationConfig, deps: StationDeps): Promise<StationHandle> {
  const { clock, log } = deps;
  const startedAt = clock.monotonic();
  const db: Database.Database = openStationDb(config.dataDir, config.stationId);
  // A full disk costs history first, then the reserve and old telemetry, never an event (store/store-space.ts).
  const space = new StoreSpace(db, { clock, log: partLogger(log, 'store') });
  const outbox = new Outbox(db, { maxMessages: 200_000 }, space.makeRoom);
  const history = new HistoryRecorder(new History(db), space);
  // Packs the central side retired: quarantined as `retire` (not charged, not dispatched), also after a restart.
  const retired = new RetiredPacks(db);

  const devices = await createStationDevices(config, { clock, log });
  const policy = chargingConfig({ ...config.charging, tickMs: config.tickMs, pollPeriodMs: config.pollIntervalMs });
  const controller = new ChargeController(policy);
  const freshnessMs = policy.freshnessPolls * config.pollIntervalMs;

  const events = new EventRaiser({ stationId: config.stationId, clock, outbox, space, pump: () => link.pump() });
  // A reading or timer that settles while the station stops may still raise an event: after the database closed it
  // is logged and dropped (seq 0), never thrown out of a callback where it would end the process.
  let stopped = false;
  const raise = (event: Omit<StationEvent, 'stationId' | 'ts' | 'seq'>): number => {
    if (!stopped) return events.raise(event);
    log.warn({ event: event.type, dock: event.dock }, 'event after the station stopped, not stored');
    return 0;
  };
  // Service bays: the rickshaws' motor controllers, each on a line of its own (station/bays/).
  const bayNumbers = config.bays.map((b) => b.bay);
  const bays = createStationBays(config.bays, { clock, log: partLogger(log, 'bays'), raise });

  const departures = new DailyDepartures(config.departures, policy.budget.utcOffsetMin, (dock, at) =>
    controller.setDeparture(dock, at),
  );
  departures.arm(clock.now());

  const watchdog = new SystemdWatchdog(partLogger(log, 'watchdog'));
  const loop = new ChargeLoop({
    clock,
    log: partLogger(log, 'loop'),
    tickMs: config.tickMs,
    controller,
    healthOf: (id) => retired.healthOf(id),
    devices,
    onEvents: (events) => {
      for (const { dock, ...event } of events) raise({ ...event, ...(dock !== undefined ? { dock } : {}) });
    },
    afterTick: (result) => {
      watchdog.alive(clock.monotonic());
      board?.update(result.docks, devicesByDock, link.connected, bays.shown(), bayNumbers);
    },
  });
  const devicesByDock = new Map(devices.docks.map((d) => [d.config.dock, d]));
  const board = config.ioBoard
    ? await openBoard(config.ioBoard, {
        clock,
        log: partLogger(log, 'io-board'),
        controller,
        views: () => loop.views(),
        language: screenLanguage(config.display),
        record: (type, dock, message, data, severity) =>
          raise({ type, severity: severity ?? 'info', ...(dock !== undefined ? { dock } : {}), message, data }),
        procedures: config.procedures,
        traineeNumbers: config.traineeNumbers,
        bays: config.bays.map((b) => b.bay),
      })
    : null;
  kickOnUnsafeReadings(devices, () => loop.kick(), policy);

  // Battery-health estimators see every reading; a closed charge session goes out as an event.
  const health = new StationHealth(config.health, raise, partLogger(log, 'health'));
  for (const d of devices.docks) {
    const dock = d.config.dock;
    d.bmsPoller.onReading((r) =>
      health.reading(dock, clock.now(), r, loop.views().find((v) => v.dock === dock)?.state === 'fault'),
    );
  }

  const docksNow = (): DockTelemetry[] => stationDockTelemetry(devices, loop.views(), clock.now(), freshnessMs);
  const knownDocks = new Set(config.docks.map((d) => d.dock));
  const link = createLink(
    config,
    deps,
    outbox,
    () => stationMetrics(devices, loop, outbox, bays),
    async (name, cmd) => {
      if (name === 'rickshaw-notice') return bays.applyNotice(cmd);
      if (name === 'retired-batteries') return retired.apply(cmd);
      const result = applyCommand(controller, knownDocks, name, cmd);
      log.info({ command: name, dock: cmd.dock ?? cmd.args?.dock }, 'command applied');
      return result;
    },
  );
  const telemetry = new TelemetryPublisher({
    stationId: config.stationId,
    clock,
    periodMs: config.telemetryIntervalMs,
    outbox,
    pump: () => link.pump(),
    docks: docksNow,
    onDropped: (err) => space.telemetryDropped(err),
    onPublished: (ts, docks) => {
      events.storeHeld();
      departures.arm(ts);
      for (const d of docks) if (d.battery === null) health.absent(d.dock, ts);
      history.record(ts, docks);
    },
  });

  devices.start();
  bays.start();
  loop.start();
  link.start();
  watchdog.ready();
  const metricsServer = config.metrics
    ? await startMetrics({
        ...config.metrics,
        staleLoopMs: 10 * config.tickMs,
        screen: () => board?.snapshot() ?? null,
        log: partLogger(log, 'metrics'),
        snapshot: () => ({
          stationId: config.stationId,
          metrics: stationMetrics(devices, loop, outbox, bays),
          docks: docksNow(),
          mqttConnected: link.connected,
          bays: bays.readers(),
          store: space.counters,
          loopAgeMs: clock.monotonic() - loop.lastTickAt,
          uptimeS: (clock.monotonic() - startedAt) / 1000,
        }),
      })
    : null;
  telemetry.start();
  log.info(
    { stationId: config.stationId, docks: devices.docks.length, lines: devices.lines.length, tickMs: config.tickMs },
    'station started',
  );

  return {
    stationId: config.stationId,
    link,
    outbox,
    store: space,
    db,
    loop,
    controller,
    devices,
    board,
    bays,
    docks: docksNow,
    raise,
    metricsPort: metricsServer?.port ?? null,
    async stop() {
      watchdog.stopping();
      loop.stop();
      telemetry.stop();
      // A station that stops leaves no charger running: every output off, on the safety lane, before the lines close.
      await Promise.allSettled(devices.docks.map((d) => d.charger?.setOutput(false, 'safety')));
      history.flush();
      await board?.close();
      await metricsServer?.close();
      await bays.stop(); // a docked rickshaw's visit ends in the outbox before the link goes
      await link.stop();
      await devices.stop();
      stopped = true;
      db.close();
      log.info({ stationId: config.stationId }, 'station stopped');
    },
  };
}

/** The I/O board, imported only when configured: johnny-five and the panel cost a station without one ~7 MB. */
async function openBoard(...args: Parameters<typeof StationBoard.open>): Promise<StationBoard> {
  const { StationBoard } = await import('./display/station-board.ts');
  return StationBoard.open(...args);
}

/** The local /metrics, /healthz and /kiosk port, imported only when configured (~0.2 MB of heap without it). */
async function startMetrics(...args: Parameters<typeof startMetricsServer>): ReturnType<typeof startMetricsServer> {
  const { startMetricsServer } = await import('./observe/metrics-server.ts');
  return startMetricsServer(...args);
}

/** The MQTT link: the station's credentials, its health counters, and what handles the commands it receives. */
function createLink(
  config: StationConfig,
  deps: StationDeps,
  outbox: Outbox,
  metrics: () => StationMetrics,
  onCommand: CommandHandler,
): StationLink {
  return new StationLink(
    {
      stationId: config.stationId,
      url: config.mqtt.url,
      username: config.mqtt.username ?? config.stationId,
      password: deps.password,
      keepaliveS: config.mqtt.keepaliveS,
      ackTimeoutMs: config.mqtt.ackTimeoutMs,
      version: STATION_VERSION,
      clock: deps.clock,
      log: partLogger(deps.log, 'mqtt'),
      metrics,
    },
    outbox,
    onCommand,
  );
}
