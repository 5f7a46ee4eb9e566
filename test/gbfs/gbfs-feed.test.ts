// The public GBFS feed of a real central fed by a station over MQTT (telemetry, status, rickshaw events through the
// real ingestion): every file validates against the official v3.0 schemas, ranges follow the packs' SoC under the
// configured range model, ids rotate after a ride, nothing personal or about pack health leaks, and the cache
// headers follow each file's ttl. The central's clock is a variable the test moves (real timers).

import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import type { RentalState } from '../../broker/gbfs/rental-view.ts';
import type { StationStatus, VehicleStatus, VehicleType } from '../../broker/gbfs/gbfs-types.ts';
import type { DockTelemetry, Telemetry } from '../../contract/messages.ts';
import type { RickshawEventType, RickshawReading } from '../../contract/rickshaws.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { captureLogger, connect, tempDir } from '../broker/helpers.ts';
import { waitFor } from '../support/wait-for.ts';
import { schemaProblems, SCHEMA_FILES, type SchemaFile } from './gbfs-schemas.ts';

const HW_A = 'aaaa00000000000000000001';
const HW_B = 'bbbb00000000000000000002';
const T0 = Date.now();

let dir: ReturnType<typeof tempDir>;
let central: Central;
let station: MqttClient;
let base: string;
let seq = 0;
let now = T0;
const clock: Clock = { now: () => now, monotonic: () => systemClock.monotonic(), setTimeout: systemClock.setTimeout };
const rental = new Map<string, RentalState>();

const reading = (fault = 0): RickshawReading => ({
  tachoKm: 10,
  controllerOdometerKm: null,
  tachometerAbs: 10_000,
  tempMotorC: 30,
  tempFetC: 28,
  inputV: 50.2,
  ampHours: 1,
  ampHoursCharged: 0,
  wattHours: 50,
  wattHoursCharged: 0,
  fault: { code: fault, name: fault === 0 ? 'NONE' : 'OVER_TEMP_MOTOR' },
});

const dock = (n: number, state: DockTelemetry['state'], socPct: number | null, extra = {}): DockTelemetry => ({
  dock: n,
  state,
  battery:
    socPct === null
      ? null
      : {
          id: `SECRET-PACK-${n}`,
          socPct,
          voltageV: 50,
          currentA: 0,
          cellsV: [3.9, 3.9],
          tempsC: [25],
          cycles: 321,
          protection: [],
        },
  charger: { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
  ...extra,
});

async function send(kind: 'telemetry' | 'event', body: Record<string, unknown>): Promise<void> {
  seq += 1;
  now += 1000;
  const msg = { stationId: 'st-a', ts: now, seq, ...body };
  await station.publishAsync(`rikscha/v1/st-a/${kind}`, JSON.stringify(msg), { qos: 1 });
}

async function telemetry(docks: DockTelemetry[]): Promise<void> {
  await send('telemetry', { docks } satisfies Partial<Telemetry>);
}

async function rickshaw(type: RickshawEventType, hwId: string, bay: number, data: Record<string, unknown>) {
  await send('event', { type, severity: 'info', message: type, data: { bay, hwId, ...data } });
}

/** A feed file as read back; each test looks at the part of `data` it needs. */
interface FeedJson {
  ttl: number;
  version: string;
  data: {
    vehicles: VehicleStatus[];
    stations: StationStatus[];
    vehicle_types: VehicleType[];
    feeds: Array<{ url: string }>;
  };
}

async function get(name: string): Promise<{ res: Response; text: string; json: FeedJson }> {
  const res = await fetch(`${base}/gbfs/${name}.json`);
  const text = await res.text();
  return { res, text, json: JSON.parse(text) as FeedJson };
}

/** Moves the central's clock past the status files' interval and waits until the feed shows what `cond` wants. */
async function statusUntil<T>(
  what: string,
  cond: (vehicles: VehicleStatus[], stations: StationStatus[]) => T | null | undefined,
): Promise<T> {
  return waitFor(
    async () => {
      now += 2000;
      const v = (await get('vehicle_status')).json.data.vehicles;
      const s = (await get('station_status')).json.data.stations;
      return cond(v, s);
    },
    { what },
  );
}

beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: captureLogger().log,
    clock,
    ingest: { flushIntervalMs: 20 },
    rentalStates: { stateOf: (hw) => rental.get(hw) ?? 'available' },
    gbfs: {
      system: {
        id: 'rikscha-test',
        name: { de: 'Rikscha Test', en: 'Rickshaw test' },
        feedContactEmail: 'a@b.example',
      },
      stations: {
        'st-a': { name: 'Station A', lat: 52.5, lon: 13.4, bays: 2 },
        'st-b': { name: { de: 'Station B', en: 'Station B' }, lat: 52.51, lon: 13.41, bays: 1 },
      },
      vehicleTypes: [
        {
          id: 'two-pack',
          name: 'Rikscha',
          packsPerVehicle: 2,
          range: { metresPerWh: 40, packWh: 500 },
        },
      ],
      statusIntervalS: 1,
      staticTtlS: 600,
    },
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  const pw = central.addStation('st-a');
  central.addStation('st-x');
  station = await connect(central.mqttPort ?? 0, { clientId: 'st-a', username: 'st-a', password: pw });
});

afterAll(async () => {
  await station?.endAsync();
  await central?.close();
  dir?.remove();
});

describe('GBFS feed of a central fed over MQTT', () => {
  it('publishes the files, each valid against its v3.0 schema', async () => {
    await station.publishAsync(
      'rikscha/v1/st-a/status',
      JSON.stringify({ stationId: 'st-a', ts: now, seq: 0, online: true }),
      { qos: 1, retain: true },
    );
    await telemetry([
      dock(1, 'charging', 80),
      dock(2, 'idle', 50),
      dock(3, 'fault', 95),
      dock(4, 'full', 99, { doNotDispatch: true }),
      dock(5, 'empty', null),
    ]);
    await rickshaw('rickshaw-arrived', HW_A, 1, { firmware: { major: 6, minor: 5, hwName: '60' }, reading: reading() });
    await rickshaw('rickshaw-arrived', HW_B, 2, {
      firmware: { major: 6, minor: 5, hwName: '60' },
      reading: reading(3),
    });
    await statusUntil('both rickshaws in the feed', (v) => (v.length === 2 ? v : null));
    for (const name of SCHEMA_FILES) {
      const { res, json } = await get(name);
      expect(res.status, name).toBe(200);
      expect(schemaProblems(name as SchemaFile, json), name).toEqual([]);
      expect(json.version).toBe('3.0');
    }
    const discovery = (await get('gbfs')).json;
    expect(discovery.data.feeds.map((f) => f.url)).toContain(`${base}/gbfs/vehicle_status.json`);
  });

  it('gives the free rickshaw the two best packs it may take, by the range model', async () => {
    const [v, s] = await statusUntil('vehicles', (v, s) => (v.length === 2 ? ([v, s] as const) : null));
    const free = v.find((x) => !x.is_disabled);
    const broken = v.find((x) => x.is_disabled);
    // Packs on offer: 80 % and 50 % (the faulted dock's 95 % and the do-not-dispatch 99 % are not).
    expect(free).toMatchObject({ station_id: 'st-a', vehicle_type_id: 'two-pack', is_reserved: false });
    expect(free?.current_range_meters).toBe(Math.round((0.8 + 0.5) * 500 * 40));
    expect(free?.current_fuel_percent).toBeCloseTo(0.65, 3);
    // The rickshaw whose controller reports a fault is disabled and gets no packs.
    expect(broken).toMatchObject({ current_range_meters: 0, current_fuel_percent: 0 });
    const a = s.find((x) => x.station_id === 'st-a');
    expect(a).toMatchObject({
      num_vehicles_available: 1,
      num_vehicles_disabled: 1,
      num_docks_available: 0,
      is_renting: true,
      vehicle_types_available: [{ vehicle_type_id: 'two-pack', count: 1 }],
    });
    // A configured station never heard from is listed, not renting; an unconfigured one is not listed.
    expect(s.find((x) => x.station_id === 'st-b')).toMatchObject({ num_vehicles_available: 0, is_renting: false });
    expect(s.map((x) => x.station_id)).toEqual(['st-a', 'st-b']);
    const types = (await get('vehicle_types')).json.data.vehicle_types;
    expect(types[0]).toMatchObject({ max_range_meters: 2 * 500 * 40, propulsion_type: 'electric_assist' });
  });

  it('follows the packs: a charged pack raises the range', async () => {
    await telemetry([dock(1, 'full', 100), dock(2, 'charging', 90), dock(3, 'fault', 95), dock(5, 'empty', null)]);
    const v = await statusUntil('the range after charging', (v) => {
      const free = v.find((x) => !x.is_disabled);
      return free?.current_fuel_percent === 0.95 ? free : null;
    });
    expect(v.current_range_meters).toBe(Math.round(1.9 * 500 * 40));
  });

  it('rotates the id after a ride and hides a rickshaw that is out', async () => {
    const before = await statusUntil('the free one', (v) => v.find((x) => !x.is_disabled) ?? null);
    const again = await statusUntil('the same id while it stands', (v) => v.find((x) => !x.is_disabled) ?? null);
    expect(again.vehicle_id).toBe(before.vehicle_id);
    await rickshaw('rickshaw-left', HW_A, 1, { reason: 'no-answer', reading: reading() });
    await statusUntil('the ridden one gone', (v) => (v.length === 1 ? v : null));
    await rickshaw('rickshaw-arrived', HW_A, 1, { firmware: { major: 6, minor: 5, hwName: '60' }, reading: reading() });
    const after = await statusUntil('back in its bay', (v) => v.find((x) => !x.is_disabled) ?? null);
    expect(after.vehicle_id).not.toBe(before.vehicle_id);
    // Checked out at the desk: gone from the feed at once (GBFS: no vehicle of an active rental), a new id after.
    rental.set(HW_A, 'out');
    await statusUntil('the checked-out one gone', (v) => (v.length === 1 ? v : null));
    rental.set(HW_A, 'reserved');
    const reserved = await statusUntil('reserved', (v) => v.find((x) => x.is_reserved) ?? null);
    expect(reserved.vehicle_id).not.toBe(after.vehicle_id);
    const s = await statusUntil('counts', (_v, s) => s.find((x) => x.station_id === 'st-a'));
    expect(s.num_vehicles_available).toBe(0);
    rental.delete(HW_A);
  });

  it('tells nothing of packs, their health or people', async () => {
    for (const name of ['gbfs', ...SCHEMA_FILES]) {
      const { text } = await get(name);
      for (const secret of ['SECRET-PACK', 'cycles', 'soh', 'health', HW_A, HW_B, 'st-x'])
        expect(text, `${name} mentions ${secret}`).not.toContain(secret);
    }
  });

  it('sends cache headers that follow the ttl, and answers a conditional request with 304', async () => {
    const info = await get('station_information');
    expect(info.json.ttl).toBe(600);
    expect(info.res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(Number(/max-age=(\d+)/.exec(info.res.headers.get('cache-control') ?? '')?.[1])).toBeLessThanOrEqual(600);
    expect(info.res.headers.get('access-control-allow-origin')).toBe('*');
    const status = await get('station_status');
    expect(status.json.ttl).toBe(1);
    expect(status.res.headers.get('cache-control')).toBe('public, max-age=1');
    const etag = info.res.headers.get('etag') ?? '';
    const again = await fetch(`${base}/gbfs/station_information.json`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await fetch(`${base}/gbfs/nope.json`)).status).toBe(404);
    expect((await fetch(`${base}/gbfs/gbfs.json`, { method: 'POST' })).status).toBe(405);
  });
});
