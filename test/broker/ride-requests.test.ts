// Passengers' ride requests on a real central: staff only, checked bodies with the field named, listed for staff,
// cancelled; past the retention period (the central's clock moved, the job run by its timer) only counts remain.
// The passenger's name and place never reach the logs, MQTT or the public feed.

import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { rideRequestListSchema, rideRequestSchema } from '../../contract/ride-requests-api.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { captureLogger, collect, connect, tempDir, type CapturedLog } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY = 86_400_000;
const NAME = 'Wendelgard';
const PLACE = 'Hinterhof Kastanienallee';

let dir: ReturnType<typeof tempDir>;
let central: Central;
let base: string;
let cookie = '';
let password = '';
let lines: CapturedLog[];
let viewer: MqttClient;
let heard: ReturnType<typeof collect>;
let now = Date.now();
const clock: Clock = { now: () => now, monotonic: () => systemClock.monotonic(), setTimeout: systemClock.setTimeout };

const post = (body: unknown, headers: Record<string, string> = { cookie }) =>
  fetch(`${base}/api/ride-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const list = async () =>
  rideRequestListSchema.parse(await (await fetch(`${base}/api/ride-requests`, { headers: { cookie } })).json());

beforeAll(async () => {
  dir = tempDir();
  const captured = captureLogger();
  lines = captured.lines;
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: captured.log,
    clock,
    ingest: { flushIntervalMs: 20 },
    rideRequests: { retentionDays: 7, purgeIntervalMs: 1000 },
    gbfs: {
      system: { feedContactEmail: 'a@b.example' },
      stations: { 'st-1': { name: 'Eins', lat: 52.5, lon: 13.4, bays: 1 } },
    },
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  password = central.addMechanic('desk');
  const viewerPw = central.addViewer('viewer');
  viewer = await connect(central.mqttPort ?? 0, { clientId: 'viewer:rides', username: 'viewer', password: viewerPw });
  heard = collect(viewer);
  await viewer.subscribeAsync('rikscha/v1/#', { qos: 1 });
  await login();
});

/** Logs the desk in (again: a session ends after a day unused, and the test moves the days). */
async function login(): Promise<void> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'desk', password }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

afterAll(async () => {
  await viewer?.endAsync();
  await central?.close();
  dir?.remove();
});

describe('ride requests', () => {
  it('only logged-in staff may see or take them', async () => {
    expect((await fetch(`${base}/api/ride-requests`)).status).toBe(401);
    expect((await post({ name: 'x', pickup: 'y', pickupAt: now }, {})).status).toBe(401);
  });

  it('refuses a bad body, naming the field', async () => {
    const res = await post({ name: '', pickup: 'Markt', pickupAt: now, needs: ['jetpack'], phone: '0171' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/name: /);
    expect(error).toMatch(/needs\.0: /);
    expect(error).toMatch(/phone/); // no field beyond the few it needs: a phone number is refused, not stored
  });

  it('takes a request, lists it for staff, and deletes a cancelled one', async () => {
    const res = await post({ name: NAME, pickup: PLACE, pickupAt: now + DAY, needs: ['wheelchair-ramp', 'companion'] });
    expect(res.status).toBe(201);
    const created = rideRequestSchema.parse(await res.json());
    expect(created).toMatchObject({ name: NAME, pickup: PLACE, createdBy: 'desk', forgetAt: now + DAY + 7 * DAY });
    const other = rideRequestSchema.parse(
      await (await post({ name: 'Ole', pickup: 'Kiosk', pickupAt: now + DAY })).json(),
    );
    expect((await list()).items.map((r) => r.name)).toEqual([NAME, 'Ole']);
    const del = await fetch(`${base}/api/ride-requests/${other.id}`, { method: 'DELETE', headers: { cookie } });
    expect(del.status).toBe(204);
    expect((await list()).items.map((r) => r.id)).toEqual([created.id]);
  });

  it('past the retention period only the counts remain', async () => {
    now += 8 * DAY + 1000;
    await login();
    const after = await waitFor(
      async () => {
        const l = await list();
        return l.items.length === 0 ? l : null;
      },
      { what: 'the deletion job to run', timeoutMs: 10_000 },
    );
    expect(after.tally).toHaveLength(1);
    expect(after.tally[0]).toMatchObject({ rides: 1, needs: { 'wheelchair-ramp': 1, companion: 1 } });
    expect(JSON.stringify(after)).not.toContain(NAME);
  });

  it('never put the name or the place into logs, MQTT or the public feed', async () => {
    const logs = JSON.stringify(lines);
    expect(logs).toContain('ride request taken');
    for (const secret of [NAME, PLACE]) {
      expect(logs).not.toContain(secret);
      expect(heard.some((m) => m.raw.toString('utf8').includes(secret))).toBe(false);
      for (const f of ['gbfs', 'system_information', 'station_information', 'station_status', 'vehicle_status'])
        expect(await (await fetch(`${base}/gbfs/${f}.json`)).text()).not.toContain(secret);
    }
  });
});
