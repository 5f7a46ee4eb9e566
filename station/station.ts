// The station daemon composed: device lines and pollers per dock, the charge loop with its safety interlocks,
// the telemetry clock, local history, the outbox and the MQTT link with its commands.
// Everything it needs (clock, logger, credentials) comes in through `startStation`, so tests and the demo run it as is.

import type { Logger } from 'pino';
import type Database from 'better-sqlite3';
import { topics } from '../contract/topics.ts';
import type { DockTelemetry, StationEvent, Telemetry } from '../contract/messages.ts';
import type { BmsReading } from '../firmware-bridge/bms/bms.ts';
import type { Clock, TimerHandle } from '../lib/clock.ts';
import { ChargeController } from './charging/charge-controller.ts';
import { chargingConfig } from './charging/charging-config.ts';
import type { DockView } from './charging/charging-types.ts';
import { applyCommand, nextDailyTime } from './commands/station-commands.ts';
import type { StationConfig } from './config/station-config.ts';
import { createStationDevices, type StationDevices } from './devices/dock-devices.ts';
import { screenLanguage } from './display/screen-language.ts';
import { StationBoard } from './display/station-board.ts';
import { createStationBays, type StationBays } from './bays/station-bays.ts';
import { ChargeLoop } from './loop/charge-loop.ts';
import { SystemdWatchdog } from './loop/systemd-watchdog.ts';
import { StationLink } from './mqtt/station-link.ts';
import { History } from './store/history.ts';
import { Outbox } from './store/outbox.ts';
import { openStationDb } from './store/station-db.ts';
import { StationHealth } from './health/station-health.ts';
import { RetiredPacks } from './health/retired-packs.ts';
import { dockTelemetry } from './telemetry/dock-telemetry.ts';
import { stationMetrics } from './telemetry/station-metrics.ts';
import { startMetricsServer } from './observe/metrics-server.ts';

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

export async function startStation(config: StationConfig, deps: StationDeps): Promise<StationHandle> {
  const { clock, log } = deps;
  const startedAt = clock.monotonic();
  const db: Database.Database = openStationDb(config.dataDir, config.stationId);
  const outbox = new Outbox(db, { maxMessages: 200_000 });
  const history = new History(db);
  // Packs the central side retired: quarantined as `retire` (not charged, not dispatched), also after a restart.
  const retired = new RetiredPacks(db);
  let lastPrune = 0;

  const devices = await createStationDevices(config, { clock, log });
  const policy = chargingConfig({ ...config.charging, tickMs: config.tickMs, pollPeriodMs: config.pollIntervalMs });
  const controller = new ChargeController(policy);
  const freshnessMs = policy.freshnessPolls * config.pollIntervalMs;

  const raise = (event: Omit<StationEvent, 'stationId' | 'ts' | 'seq'>): number => {
    const seq = outbox.append((s) => {
      const msg: StationEvent = { ...event, stationId: config.stationId, ts: clock.now(), seq: s };
      return { topic: topics.event(config.stationId), payload: JSON.stringify(msg), kind: 'event' };
    });
    link.pump();
    return seq;
  };
  // Service bays: the rickshaws' motor controllers, each on a line of its own (station/bays/).
  const bays = createStationBays(config.bays, { clock, log: log.child({ component: 'bays' }), raise });

  const departures = new Map<number, number>();
  const armDepartures = (now: number): void => {
    for (const d of config.departures) {
      const at = departures.get(d.dock);
      if (at !== undefined && at > now) continue;
      const next = nextDailyTime(now, d.at, policy.budget.utcOffsetMin);
      departures.set(d.dock, next);
      controller.setDeparture(d.dock, next);
    }
  };
  armDepartures(clock.now());

  const watchdog = new SystemdWatchdog(log.child({ component: 'watchdog' }));
  const loop = new ChargeLoop({
    clock,
    log: log.child({ component: 'loop' }),
    tickMs: config.tickMs,
    controller,
    healthOf: (id) => retired.healthOf(id),
    devices,
    onEvents: (events) => {
      for (const e of events)
        raise({
          type: e.type,
          severity: e.severity,
          ...(e.dock !== undefined ? { dock: e.dock } : {}),
          message: e.message,
          data: e.data,
        });
    },
    afterTick: (result) => {
      watchdog.alive(clock.monotonic());
      board?.update(result.docks, devicesByDock, link.connected, bays.shown());
    },
  });
  const devicesByDock = new Map(devices.docks.map((d) => [d.config.dock, d]));
  const board = config.ioBoard
    ? await StationBoard.open(config.ioBoard, {
        clock,
        log: log.child({ component: 'io-board' }),
        controller,
        views: () => loop.views(),
        language: screenLanguage(config.display),
        record: (type, dock, message, data) => raise({ type, severity: 'info', dock, message, data }),
      })
    : null;

  // An unsafe-looking BMS reading is acted on at once, not at the next scheduled tick.
  const unsafe = (r: BmsReading): boolean =>
    r.protection.length > 0 ||
    r.cellsV.some((v) => v >= policy.cells.limitCellV) ||
    r.tempsC.some((t) => t < policy.temperature.minC || t > policy.temperature.maxC);
  for (const d of devices.docks) d.bmsPoller.onReading((r) => unsafe(r) && loop.kick());

  // Battery-health estimators see every reading; a closed charge session goes out as an event.
  const health = new StationHealth(config.health, raise, log.child({ component: 'health' }));
  for (const d of devices.docks) {
    const dock = d.config.dock;
    d.bmsPoller.onReading((r) =>
      health.reading(dock, clock.now(), r, loop.views().find((v) => v.dock === dock)?.state === 'fault'),
    );
  }

  const views = (): Map<number, DockView> => new Map(loop.views().map((v) => [v.dock, v]));
  const docksNow = (): DockTelemetry[] => {
    const byDock = views();
    return devices.docks.map((d) =>
      dockTelemetry(
        d.config.dock,
        d.bmsPoller.latest,
        d.chargerPoller?.latest ?? null,
        clock.now(),
        freshnessMs,
        byDock.get(d.config.dock),
      ),
    );
  };

  const knownDocks = new Set(config.docks.map((d) => d.dock));
  const link = new StationLink(
    {
      stationId: config.stationId,
      url: config.mqtt.url,
      username: config.mqtt.username ?? config.stationId,
      password: deps.password,
      keepaliveS: config.mqtt.keepaliveS,
      ackTimeoutMs: config.mqtt.ackTimeoutMs,
      version: STATION_VERSION,
      clock,
      log: log.child({ component: 'mqtt' }),
      metrics: () => stationMetrics(devices, loop, outbox),
    },
    outbox,
    async (name, cmd) => {
      if (name === 'rickshaw-notice') return bays.applyNotice(cmd);
      if (name === 'retired-batteries') return retired.apply(cmd);
      const result = applyCommand(controller, knownDocks, name, cmd);
      log.info({ command: name, dock: cmd.dock ?? cmd.args?.dock }, 'command applied');
      return result;
    },
  );

  const publishTelemetry = (): void => {
    const ts = clock.now();
    const current = docksNow();
    outbox.append((seq) => {
      const msg: Telemetry = { stationId: config.stationId, ts, seq, docks: current };
      return { topic: topics.telemetry(config.stationId), payload: JSON.stringify(msg), kind: 'telemetry' };
    });
    link.pump();
    armDepartures(ts);
    // One history transaction per telemetry period, off the charge loop's tick.
    for (const d of current) if (d.battery === null) health.absent(d.dock, ts);
    history.record(ts, current);
    history.flush();
    if (ts - lastPrune > 3600_000) {
      lastPrune = ts;
      history.prune(ts);
    }
  };

  devices.start();
  bays.start();
  loop.start();
  link.start();
  watchdog.ready();
  const metricsServer = config.metrics
    ? await startMetricsServer({
        ...config.metrics,
        staleLoopMs: 10 * config.tickMs,
        log: log.child({ component: 'metrics' }),
        snapshot: () => ({
          stationId: config.stationId,
          metrics: stationMetrics(devices, loop, outbox),
          docks: docksNow(),
          mqttConnected: link.connected,
          loopAgeMs: clock.monotonic() - loop.lastTickAt,
          uptimeS: (clock.monotonic() - startedAt) / 1000,
        }),
      })
    : null;

  let telemetryTimer: TimerHandle | null = null;
  const scheduleTelemetry = (): void => {
    telemetryTimer = clock.setTimeout(() => {
      publishTelemetry();
      scheduleTelemetry();
    }, config.telemetryIntervalMs);
  };
  scheduleTelemetry();
  log.info(
    { stationId: config.stationId, docks: devices.docks.length, lines: devices.lines.length, tickMs: config.tickMs },
    'station started',
  );

  return {
    stationId: config.stationId,
    link,
    outbox,
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
      telemetryTimer?.cancel();
      // A station that stops leaves no charger running: every output off, on the safety lane, before the lines close.
      await Promise.allSettled(devices.docks.map((d) => d.charger?.setOutput(false, 'safety')));
      history.flush();
      await board?.close();
      await metricsServer?.close();
      await bays.stop(); // a docked rickshaw's visit ends in the outbox before the link goes
      await link.stop();
      await devices.stop();
      db.close();
      log.info({ stationId: config.stationId }, 'station stopped');
    },
  };
}
