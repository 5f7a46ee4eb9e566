// Service intervals end to end on the central side: rickshaw events published by a station over MQTT, the odometer
// the central store keeps, due and overdue by distance and by time (an injected clock moves the days), a mechanic
// recording a service over HTTP (who and when), and flagged odometer readings.

import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { rickshawDetailSchema, rickshawListSchema, type RickshawDetail } from '../../contract/rickshaw-api.ts';
import type { RickshawEventType, RickshawReading } from '../../contract/rickshaws.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { captureLogger, connect, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY = 86_400_000;
const HW = '3a001b000f5131373634383a';
const T0 = 1_700_000_000_000;

let dir: ReturnType<typeof tempDir>;
let central: Central;
let station: MqttClient;
let base: string;
let cookie = '';
let mechPw = '';
let seq = 0;
/** The central side's wall clock: real timers, a date the test moves. */
let now = T0;
const clock: Clock = { now: () => now, monotonic: () => systemClock.monotonic(), setTimeout: systemClock.setTimeout };

const reading = (tachoKm: number, fault = 0): RickshawReading => ({
  tachoKm,
  controllerOdometerKm: null,
  tachometerAbs: Math.round(tachoKm * 1000),
  tempMotorC: 30,
  tempFetC: 28,
  inputV: 50.2,
  ampHours: 1,
  ampHoursCharged: 0,
  wattHours: 50,
  wattHoursCharged: 0,
  fault: { code: fault, name: fault === 0 ? 'NONE' : 'OVER_TEMP_MOTOR' },
});

async function publish(type: RickshawEventType, ts: number, data: Record<string, unknown>): Promise<number> {
  seq += 1;
  // The station's clock and the central's agree: a report dated ahead of the central's receive time is rejected.
  now = Math.max(now, ts);
  const ev = { stationId: 'st-r', ts, seq, type, severity: 'info', message: type, data: { bay: 1, hwId: HW, ...data } };
  await station.publishAsync('rikscha/v1/st-r/event', JSON.stringify(ev), { qos: 1 });
  return seq;
}

async function detail(): Promise<RickshawDetail> {
  const res = await fetch(`${base}/api/rickshaws/${HW}`);
  expect(res.status).toBe(200);
  return rickshawDetailSchema.parse(await res.json());
}

/** Publishes a reading at `ts` and waits until the central store has it. */
async function ride(tachoKm: number, ts: number): Promise<RickshawDetail> {
  await publish('rickshaw-reading', ts, { reading: reading(tachoKm) });
  return waitFor(
    async () => {
      const d = await detail();
      return d.lastReading?.ts === ts || d.anomalies.some((a) => a.ts === ts) ? d : null;
    },
    { what: `reading at ${ts}` },
  );
}

const service = (d: RickshawDetail, task: string) => d.services.find((s) => s.task === task);

beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: captureLogger().log,
    clock,
    ingest: { flushIntervalMs: 20 },
    rickshaws: {
      services: [
        { task: 'brakes', label: { de: 'Bremsen prüfen', en: 'Check the brakes' }, everyKm: 500 },
        { task: 'full-check', label: { de: 'Große Inspektion', en: 'Full check' }, everyDays: 90 },
      ],
      overdueAfterFraction: 0.1,
      maxDailyKm: 150,
      noticeIntervalMs: 3_600_000,
    },
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  const pw = central.addStation('st-r');
  mechPw = central.addMechanic('mech');
  station = await connect(central.mqttPort ?? 0, { clientId: 'st-r', username: 'st-r', password: pw });
});

/** Logs the mechanic in (again: a session ends after a day unused, and the test moves the days). */
async function login(): Promise<void> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mech', password: mechPw }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

afterAll(async () => {
  await station?.endAsync();
  await central?.close();
  dir?.remove();
});

describe('rickshaw service intervals', () => {
  it('shows a new rickshaw on arrival, with its odometer and every interval ok', async () => {
    await publish('rickshaw-arrived', T0, { firmware: { major: 6, minor: 5, hwName: '60' }, reading: reading(100) });
    const list = await waitFor(
      async () => {
        const l = rickshawListSchema.parse(await (await fetch(`${base}/api/rickshaws`)).json());
        return l.items.length > 0 ? l : null;
      },
      { what: 'the rickshaw in the list' },
    );
    const r = list.items[0];
    expect(r?.id).toBe(HW);
    expect(r?.isNew).toBe(true);
    expect(r?.present).toBe(true);
    expect(r?.odometerKm).toBe(100);
    expect(r?.lastSeen).toEqual({ stationId: 'st-r', bay: 1, ts: T0 });
    expect(r?.serviceState).toBe('ok');
    expect(r?.services.map((s) => [s.task, s.state, s.kmSince])).toEqual([
      ['brakes', 'ok', 0],
      ['full-check', 'ok', 0],
    ]);
  });

  it('brakes: due at 500 km, overdue at 550 km', async () => {
    let d = await ride(599, T0 + 4 * DAY);
    expect(service(d, 'brakes')).toMatchObject({ kmSince: 499, state: 'ok', dueAtKm: 600 });
    d = await ride(600, T0 + 4 * DAY + 1000);
    expect(service(d, 'brakes')?.state).toBe('due');
    d = await ride(649.9, T0 + 4 * DAY + 2000);
    expect(service(d, 'brakes')?.state).toBe('due');
    d = await ride(650, T0 + 4 * DAY + 3000);
    expect(service(d, 'brakes')?.state).toBe('overdue');
    expect(d.serviceState).toBe('overdue');
  });

  it('full check: due after 90 days, overdue after 99', async () => {
    now = T0 + 89 * DAY;
    expect(service(await detail(), 'full-check')?.state).toBe('ok');
    now = T0 + 90 * DAY;
    expect(service(await detail(), 'full-check')).toMatchObject({ state: 'due', dueAt: T0 + 90 * DAY });
    now = T0 + 99 * DAY;
    expect(service(await detail(), 'full-check')?.state).toBe('overdue');
  });

  it('a service recorded by a logged-in mechanic resets its interval, with who and when', async () => {
    const denied = await fetch(`${base}/api/rickshaws/${HW}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tasks: ['brakes'] }),
    });
    expect(denied.status).toBe(401);
    const post = (body: unknown) =>
      fetch(`${base}/api/rickshaws/${HW}/services`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
    now = T0 + 99 * DAY + 3600_000;
    await login();
    expect((await post({ tasks: ['wheels'] })).status).toBe(400);
    const res = await post({ tasks: ['brakes'], note: 'pads changed' });
    expect(res.status).toBe(200);
    const d = rickshawDetailSchema.parse(await res.json());
    expect(service(d, 'brakes')).toMatchObject({
      state: 'ok',
      kmSince: 0,
      lastDoneBy: 'mech',
      lastDoneAt: now,
      dueAtKm: 1150,
    });
    // The other interval is untouched.
    expect(service(d, 'full-check')?.state).toBe('overdue');
    expect(d.serviceRecords[0]).toMatchObject({
      task: 'brakes',
      by: 'mech',
      at: now,
      odometerKm: 650,
      note: 'pads changed',
    });
    // Riding on counts from the service.
    const later = await ride(700, T0 + 100 * DAY);
    expect(service(later, 'brakes')).toMatchObject({ kmSince: 50, state: 'ok' });
  });

  it('flags an odometer that goes backwards or jumps past a day of riding, and keeps the last believable value', async () => {
    let d = await ride(400, T0 + 100 * DAY + 1000);
    expect(d.odometerKm).toBe(700);
    expect(d.anomalies[0]).toMatchObject({ kind: 'backwards', stationId: 'st-r' });
    d = await ride(1000, T0 + 100 * DAY + 2000);
    expect(d.odometerKm).toBe(700);
    expect(d.anomalies[0]?.kind).toBe('jump');
    d = await ride(1010, T0 + 100 * DAY + 3000);
    expect(d.odometerKm).toBe(710);
    expect(d.anomalies).toHaveLength(2);
  });

  it('names a new rickshaw (mechanics only), and it leaves the bay', async () => {
    const res = await fetch(`${base}/api/rickshaws/${HW}/name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'Rikscha 3' }),
    });
    expect(res.status).toBe(200);
    expect(rickshawDetailSchema.parse(await res.json())).toMatchObject({ name: 'Rikscha 3', isNew: false });
    await publish('rickshaw-left', T0 + 100 * DAY + 4000, { reason: 'no-answer', reading: reading(1010) });
    const d = await waitFor(
      async () => {
        const x = await detail();
        return x.present ? null : x;
      },
      { what: 'the rickshaw gone from the bay' },
    );
    expect(d.lastSeen?.ts).toBe(T0 + 100 * DAY + 4000);
    expect((await fetch(`${base}/api/rickshaws/000000000000000000000000`)).status).toBe(404);
  });
});
