// Shared pieces of the broker tests: temp dirs, a log capture, MQTT 3.1.1 clients and message builders that satisfy the contract schemas.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import type { StationEvent, Telemetry } from '../../contract/messages.ts';

export function tempDir(prefix = 'rikscha-broker-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface CapturedLog {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose JSON lines land in `lines` (for asserting what was logged, and how often). */
export function captureLogger(): { log: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as CapturedLog);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** Connects with MQTT 3.1.1 and no automatic reconnect; rejects with the broker's refusal. */
export async function connect(port: number, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...opts,
  });
}

/** Resolves with the CONNACK return code of a refused connection (or 0 if it was accepted). */
export async function connackCode(port: number, opts: IClientOptions): Promise<number> {
  try {
    const c = await connect(port, opts);
    await c.endAsync();
    return 0;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (typeof code !== 'number') throw err;
    return code;
  }
}

/** A client that records every message it receives. */
export function collect(client: MqttClient): Array<{ topic: string; json: unknown; raw: Buffer; retain: boolean }> {
  const got: Array<{ topic: string; json: unknown; raw: Buffer; retain: boolean }> = [];
  client.on('message', (topic, raw, packet) => {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = undefined;
    }
    got.push({ topic, json, raw, retain: packet.retain });
  });
  return got;
}

export function telemetry(
  stationId: string,
  seq: number,
  opts: { ts?: number; batteryId?: string; socPct?: number; cellsV?: number[]; tempsC?: number[] } = {},
): Telemetry {
  return {
    stationId,
    ts: opts.ts ?? 1_700_000_000_000 + seq * 1000,
    seq,
    docks: [
      {
        dock: 1,
        state: 'charging',
        battery: {
          id: opts.batteryId ?? `${stationId}-bat-1`,
          socPct: opts.socPct ?? 50,
          voltageV: 50.1,
          currentA: 4.2,
          cellsV: opts.cellsV ?? [3.85, 3.86, 3.84, 3.87],
          tempsC: opts.tempsC ?? [25, 27],
          cycles: 120,
          protection: [],
        },
        charger: { online: true, outputOn: true, voltageV: 54.6, currentA: 4.2, setCurrentA: 4.5 },
      },
      {
        dock: 2,
        state: 'empty',
        battery: null,
        charger: { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
      },
    ],
  };
}

export function event(stationId: string, seq: number): StationEvent {
  return {
    stationId,
    ts: 1_700_000_000_000 + seq * 1000,
    seq,
    type: 'dock-fault',
    severity: 'warning',
    dock: 1,
    message: 'test event',
  };
}

export function status(stationId: string, online: boolean, seq = 0): string {
  return JSON.stringify({ stationId, ts: 1_700_000_000_000, seq, online, version: 'test' });
}

/** A central on free ports in a temp dir, with one or more stations and a viewer registered. */
export async function startTestCentral(
  opts: {
    stations?: string[];
    logger?: Logger;
    dashboardDir?: string;
    extraRoutes?: import('../../broker/http/http-server.ts').ExtraRoutes;
    mqttLimits?: Partial<import('../../broker/mqtt/limits.ts').MqttLimits>;
  } = {},
) {
  const { startCentral } = await import('../../broker/central.ts');
  const dir = tempDir();
  const central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: opts.logger ?? pino({ level: 'silent' }),
    mqttLimits: opts.mqttLimits,
    dashboardDir: opts.dashboardDir,
    extraRoutes: opts.extraRoutes,
    ingest: { flushIntervalMs: 20 },
  });
  const passwords = new Map<string, string>();
  for (const id of opts.stations ?? ['st-a', 'st-b']) passwords.set(id, central.addStation(id));
  const viewerPassword = central.addViewer('viewer');
  const mqttPort = central.mqttPort ?? 0;
  return {
    central,
    mqttPort,
    viewerPassword,
    password: (id: string): string => passwords.get(id) ?? '',
    /** Connects as a station: username = client id = station id. */
    station: (id: string, extra: IClientOptions = {}) =>
      connect(mqttPort, { clientId: id, username: id, password: passwords.get(id), ...extra }),
    viewer: (extra: IClientOptions = {}) =>
      connect(mqttPort, {
        // Client ids are bound to logins: a viewer's derive from its name.
        clientId: `viewer:${Math.random().toString(16).slice(2, 10)}`,
        username: 'viewer',
        password: viewerPassword,
        ...extra,
      }),
    http: (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${central.httpPort}${path}`, init),
    async stop() {
      await central.close();
      dir.remove();
    },
  };
}
