// The station daemon composed: device lines and pollers per dock, the telemetry clock, the outbox and the MQTT link.
// Everything it needs (clock, logger, credentials) comes in through `startStation`, so tests and the demo run it as is.

import type { Logger } from 'pino';
import type Database from 'better-sqlite3';
import { topics } from '../contract/topics.ts';
import type { DockTelemetry, StationEvent, Telemetry } from '../contract/messages.ts';
import type { Clock, TimerHandle } from '../firmware-bridge/clock/clock.ts';
import type { StationConfig } from './config/station-config.ts';
import { createStationDevices } from './devices/dock-devices.ts';
import { StationLink } from './mqtt/station-link.ts';
import { History } from './store/history.ts';
import { Outbox } from './store/outbox.ts';
import { openStationDb } from './store/station-db.ts';
import { dockTelemetry } from './telemetry/dock-telemetry.ts';

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
  /** Latest dock objects, as the next telemetry message will carry them. */
  docks(): DockTelemetry[];
  /** Stores an event in the outbox with its seq and sends it. */
  raise(event: Omit<StationEvent, 'stationId' | 'ts' | 'seq'>): number;
  stop(): Promise<void>;
}

export async function startStation(config: StationConfig, deps: StationDeps): Promise<StationHandle> {
  const { clock, log } = deps;
  const db: Database.Database = openStationDb(config.dataDir, config.stationId);
  const outbox = new Outbox(db, { maxMessages: 200_000 });
  const history = new History(db);
  let lastPrune = 0;

  const devices = await createStationDevices(config, { clock, log });
  const freshnessMs = 3 * config.pollIntervalMs;
  const docksNow = (): DockTelemetry[] =>
    devices.docks.map((d) => dockTelemetry(d.config.dock, d.bmsPoller.latest, d.chargerPoller?.latest ?? null, clock.now(), freshnessMs));

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
    },
    outbox,
    async (name) => {
      throw new Error(`unknown command ${name}`);
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
    // One history transaction per telemetry period, off the charge loop's tick.
    history.record(ts, current);
    history.flush();
    if (ts - lastPrune > 3600_000) {
      lastPrune = ts;
      history.prune(ts);
    }
  };

  const raise = (event: Omit<StationEvent, 'stationId' | 'ts' | 'seq'>): number => {
    const seq = outbox.append((s) => {
      const msg: StationEvent = { ...event, stationId: config.stationId, ts: clock.now(), seq: s };
      return { topic: topics.event(config.stationId), payload: JSON.stringify(msg), kind: 'event' };
    });
    link.pump();
    return seq;
  };

  devices.start();
  link.start();

  let telemetryTimer: TimerHandle | null = null;
  const scheduleTelemetry = (): void => {
    telemetryTimer = clock.setTimeout(() => {
      publishTelemetry();
      scheduleTelemetry();
    }, config.telemetryIntervalMs);
  };
  scheduleTelemetry();
  log.info({ stationId: config.stationId, docks: devices.docks.length, lines: devices.lines.length }, 'station started');

  return {
    stationId: config.stationId,
    link,
    outbox,
    docks: docksNow,
    raise,
    async stop() {
      telemetryTimer?.cancel();
      history.flush();
      await link.stop();
      await devices.stop();
      db.close();
      log.info({ stationId: config.stationId }, 'station stopped');
    },
  };
}
