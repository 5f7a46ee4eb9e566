// A real central (embedded MQTT, HTTP with the dashboard) fed by simulated stations that publish over MQTT as the
// station daemon does: a retained online status, then telemetry with 8 docks every second. A dock can be patched
// (a fault injected) and the next message carries it. Shared by the fleet benchmark and the fleet Chromium test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { startCentral, type Central } from '../../broker/central.ts';
import type { DockTelemetry } from '../../contract/messages.ts';

export const DASHBOARD = fileURLToPath(new URL('../../dashboard/', import.meta.url));

export interface FleetOptions {
  stations: number;
  docks: number;
  /** Telemetry period per station (ms); the real default is 1000. */
  periodMs?: number;
}

export interface Fleet {
  central: Central;
  baseUrl: string;
  ids: string[];
  /** Changes a dock in every following message of that station (and publishes one now). */
  patchDock(stationId: string, dock: number, patch: Partial<DockTelemetry>): Promise<void>;
  /** Messages published so far, all stations. */
  published(): number;
  stop(): Promise<void>;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * Realistic docks: 13-cell packs at varied charge, most charging, some full or idle, one slot empty in some
 * stations; every 7th station has a warm pack (47 °C) and every 11th a cell 70 mV apart (warnings, not faults), so the
 * attention list is not empty, as in a real fleet.
 */
export function fleetDocks(station: number, docks: number): DockTelemetry[] {
  return Array.from({ length: docks }, (_, i): DockTelemetry => {
    const dock = i + 1;
    const charger = { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 };
    if (station % 5 === 0 && dock === docks) return { dock, state: 'empty', battery: null, charger };
    const soc = 15 + ((station * 13 + i * 29) % 85);
    const state = soc > 97 ? 'full' : (station + i) % 6 === 0 ? 'idle' : 'charging';
    const cellsV = Array.from(
      { length: 13 },
      (_, c) => Math.round((3.55 + soc * 0.0065 + (c % 3) * 0.002) * 1000) / 1000,
    );
    if (station % 11 === 0 && dock === 2) cellsV[4] = (cellsV[4] ?? 3.8) + 0.07;
    const warm = station % 7 === 0 && dock === 4;
    const charging = state === 'charging';
    return {
      dock,
      state,
      battery: {
        id: `P-${pad(station, 2)}-${dock}`,
        socPct: soc,
        voltageV: Math.round(cellsV.reduce((a, b) => a + b, 0) * 100) / 100,
        currentA: charging ? 3.97 : 0,
        cellsV,
        tempsC: [warm ? 47 : 24.5 + (i % 4), 25.1, 24.8],
        cycles: 100 + station + i * 13,
        protection: [],
        remainingAh: Math.round(14 * soc) / 100,
        nominalAh: 14,
        chargeFetOn: charging,
      },
      charger: charging ? { online: true, outputOn: true, voltageV: 54.6, currentA: 3.97, setCurrentA: 4 } : charger,
    };
  });
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-fleet-'));
  const central = await startCentral({
    dataDir: dir,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: process.env.RIKSCHA_BENCH_LOG ?? 'silent' }),
    dashboardDir: DASHBOARD,
    // All 50 simulated stations connect from 127.0.0.1; real ones come from an address each (cap 32 per address).
    mqttLimits: { maxConnectionsPerAddress: opts.stations + 8 },
  });
  const ids = Array.from({ length: opts.stations }, (_, i) => `st-${pad(i + 1, 2)}`);
  const docks = new Map(ids.map((id, i) => [id, fleetDocks(i + 1, opts.docks)]));
  const seqs = new Map(ids.map((id) => [id, 0]));
  let published = 0;
  const clients: MqttClient[] = [];
  for (const id of ids) {
    const password = central.addStation(id);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort ?? 0}`, {
      protocolVersion: 4,
      clientId: id,
      username: id,
      password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    clients.push(client);
    const status = { stationId: id, ts: Date.now(), seq: 0, online: true, version: 'fleet-sim' };
    await client.publishAsync(`rikscha/v1/${id}/status`, JSON.stringify(status), { qos: 1, retain: true });
  }
  const send = async (id: string, client: MqttClient): Promise<void> => {
    const seq = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, seq);
    const body = { stationId: id, ts: Date.now(), seq, docks: docks.get(id) ?? [] };
    published += 1;
    await client.publishAsync(`rikscha/v1/${id}/telemetry`, JSON.stringify(body), { qos: 1 });
  };
  const period = opts.periodMs ?? 1000;
  // Spread over the period, as independent stations are: not 50 messages in the same millisecond.
  const timers = ids.map((id, i) => {
    const client = clients[i];
    if (!client) throw new Error(`no client for ${id}`);
    void send(id, client);
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(
      () => (timer = setInterval(() => void send(id, client).catch(() => {}), period)),
      (period * i) / ids.length,
    );
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  });
  return {
    central,
    baseUrl: `http://127.0.0.1:${central.httpPort}`,
    ids,
    async patchDock(stationId, dock, patch) {
      const list = docks.get(stationId);
      const i = list?.findIndex((d) => d.dock === dock) ?? -1;
      const old = list?.[i];
      if (!list || !old) throw new Error(`fleet: no dock ${dock} at ${stationId}`);
      list[i] = { ...old, ...patch };
      const client = clients[ids.indexOf(stationId)];
      if (client) await send(stationId, client);
    },
    published: () => published,
    async stop() {
      for (const stop of timers) stop();
      await Promise.all(clients.map((c) => c.endAsync()));
      await central.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
