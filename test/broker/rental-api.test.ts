// The rental desk end to end on a real central: a station over MQTT (rickshaw event, telemetry, command answers),
// staff over HTTP. A booking reaches the station as `add-booking`, the station's reserved docks and the pack taken
// from one are recorded from its reports, check-out and return record packs, SoC and odometer, a problem report
// becomes an open task; conflicts, bad input and a breakdown are refused or cancel, with nothing half-recorded.

import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import type { DockTelemetry } from '../../contract/messages.ts';
import {
  bookingListSchema,
  bookingViewSchema,
  problemListSchema,
  rentalOverviewSchema,
  rentalRefusalSchema,
  restrictionSchema,
  type BookingBody,
  type BookingView,
  type RefusalCode,
} from '../../contract/rental-api.ts';
import { connect, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const HW = 'aa00bb11cc22dd33ee44ff55';
const H = 3_600_000;
let dir: ReturnType<typeof tempDir>;
let central: Central;
let station: MqttClient;
let cookie = '';
let seq = 0;
const commands: Array<{ name: string; args: Record<string, unknown> }> = [];

const dockOf = (dock: number, pack: string | null, socPct: number, state: DockTelemetry['state'] = 'full') => ({
  dock,
  state: pack ? state : 'empty',
  battery: pack
    ? { id: pack, socPct, voltageV: 52, currentA: 0, cellsV: [3.9, 3.9], tempsC: [24], cycles: 40, protection: [] }
    : null,
  charger: { online: true, outputOn: false, voltageV: 0, currentA: 0, setCurrentA: 0 },
});

/** Publishes one station message and waits until the central store has settled it. */
async function send(kind: 'telemetry' | 'event', body: Record<string, unknown>): Promise<number> {
  seq += 1;
  const s = seq;
  const msg = { stationId: 'st-q', ts: Date.now(), seq: s, ...body };
  await station.publishAsync(`rikscha/v1/st-q/${kind}`, JSON.stringify(msg), { qos: 1 });
  await waitFor(() => (central.db.getStation('st-q')?.ackSeq ?? 0) >= s, { what: `seq ${s} stored` });
  return s;
}

const docks = (p1: [string | null, number], p2: [string | null, number]) =>
  send('telemetry', { docks: [dockOf(1, ...p1), dockOf(2, ...p2), dockOf(3, 'P3', 95, 'fault')] });

async function api(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${central.httpPort}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function refused(path: string, body: unknown, status: number, code: RefusalCode): Promise<void> {
  const before = counts();
  const r = await api(path, body);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(rentalRefusalSchema.parse(r.json).code).toBe(code);
  expect(counts(), `nothing recorded by a refused ${path}`).toEqual(before);
}

/** Every rental table's rows, so a refusal can be shown to have written nothing. */
function counts(): Record<string, unknown> {
  const db = central.db.db;
  const out: Record<string, unknown> = {};
  for (const t of [
    'rental_bookings',
    'rental_packs_out',
    'rental_problems',
    'rental_restrictions',
    'rental_concerns',
    'rental_station_checkouts',
  ])
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all();
  return out;
}

const booking = (over: Partial<BookingBody> = {}): BookingBody => ({
  rickshawId: HW,
  stationId: 'st-q',
  pickupAt: Date.now() + H,
  returnAt: Date.now() + 3 * H,
  packs: 2,
  contact: 'Ada',
  ...over,
});

beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: pino({ level: 'silent' }),
    ingest: { flushIntervalMs: 20 },
    rental: { watchIntervalMs: 50, reserveRetryMs: 3_600_000 },
  });
  const pw = central.addStation('st-q');
  const mech = central.addMechanic('desk');
  station = await connect(central.mqttPort ?? 0, { clientId: 'st-q', username: 'st-q', password: pw });
  await station.subscribeAsync('rikscha/v1/st-q/cmd/+', { qos: 1 });
  station.on('message', (topic, payload) => {
    const cmd = JSON.parse(payload.toString()) as { id: string; args: Record<string, unknown> };
    commands.push({ name: topic.split('/').pop() ?? '', args: cmd.args });
    const result = { stationId: 'st-q', ts: Date.now(), id: cmd.id, ok: true, result: { booking: cmd.args['id'] } };
    void station.publishAsync(`${topic}/result`, JSON.stringify(result), { qos: 1 });
  });
  await station.publishAsync(
    'rikscha/v1/st-q/status',
    JSON.stringify({ stationId: 'st-q', ts: Date.now(), seq: 0, online: true }),
    {
      qos: 1,
      retain: true,
    },
  );
  await send('event', {
    type: 'rickshaw-arrived',
    severity: 'info',
    message: 'arrived',
    data: { bay: 1, hwId: HW, firmware: { major: 6, minor: 5, hwName: '60' }, reading: reading(120) },
  });
  await docks(['P1', 88], ['P2', 91]);
  const login = await fetch(`http://127.0.0.1:${central.httpPort}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'desk', password: mech }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  await waitFor(() => central.rental.desk.overview().locations.some((l) => l.online), { what: 'the station online' });
});

afterAll(async () => {
  await station?.endAsync();
  await central?.close();
  dir?.remove();
});

function reading(tachoKm: number) {
  return {
    tachoKm,
    controllerOdometerKm: null,
    tachometerAbs: tachoKm * 1000,
    tempMotorC: 30,
    tempFetC: 28,
    inputV: 50,
    ampHours: 1,
    ampHoursCharged: 0,
    wattHours: 50,
    wattHoursCharged: 0,
    fault: { code: 0, name: 'NONE' },
  };
}

describe('rental desk API', () => {
  let b1: BookingView;

  it('needs a login', async () => {
    const res = await fetch(`http://127.0.0.1:${central.httpPort}/api/bookings`);
    expect(res.status).toBe(401);
  });

  it('lists items (rickshaw with odometer, packs with SoC) and locations', async () => {
    const o = rentalOverviewSchema.parse((await api('/api/rental')).json);
    expect(o.items.find((i) => i.id === HW)).toMatchObject({ kind: 'rickshaw', odometerKm: 120, checkedOut: false });
    expect(o.items.filter((i) => i.kind === 'pack').map((i) => [i.id, i.socPct])).toEqual([
      ['P1', 88],
      ['P2', 91],
      ['P3', 95],
    ]);
    expect(o.locations).toEqual([{ stationId: 'st-q', online: true }]);
  });

  it('refuses a booking outside any timeframe, then books inside one', async () => {
    await refused('/api/bookings', booking(), 409, 'outside-timeframe');
    const tf = await api('/api/rental/timeframes', { itemId: HW, stationId: 'st-q', from: Date.now() - H, to: null });
    expect(tf.status).toBe(201);
    const r = await api('/api/bookings', booking());
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    b1 = bookingViewSchema.parse(r.json);
    expect(b1).toMatchObject({ state: 'booked', packs: 2, contact: 'Ada', deskUser: 'desk' });
    expect(b1.id).toMatch(/^B-[A-Z2-9]{5}$/);
  });

  it("sends the pack reservation to the station's planner (add-booking) and records its answer", () => {
    expect(commands).toContainEqual({
      name: 'add-booking',
      args: { id: b1.id, at: b1.pickupAt, packs: 2, minSocPct: 80 },
    });
    expect(b1.reservation.state).toBe('reserved');
  });

  it('refuses an overlapping booking, one in the past and bad times, recording nothing', async () => {
    await refused('/api/bookings', booking({ pickupAt: b1.pickupAt + H, returnAt: b1.returnAt + H }), 409, 'overlap');
    await refused('/api/bookings', booking({ pickupAt: Date.now() - H, returnAt: Date.now() + H }), 400, 'in-past');
    await refused(
      '/api/bookings',
      booking({ pickupAt: b1.returnAt + 2 * H, returnAt: b1.returnAt + H }),
      400,
      'bad-times',
    );
    await refused('/api/bookings', booking({ rickshawId: '0'.repeat(24) }), 404, 'unknown-rickshaw');
    const before = counts();
    expect((await api('/api/bookings', { ...booking(), packs: 99 })).status).toBe(400);
    expect((await api('/api/bookings', { rickshawId: HW })).status).toBe(400);
    expect(counts()).toEqual(before);
  });

  it('records the docks the station reserved and the pack its telemetry shows taken', async () => {
    await send('event', {
      type: 'booking-reserved',
      severity: 'info',
      message: `booking ${b1.id}: take the packs in docks 1, 2`,
      data: { bookingId: b1.id, docks: [1, 2] },
    });
    const takenSeq = await docks([null, 0], ['P2', 91]);
    const at = JSON.parse(
      central.db.db
        .prepare('SELECT payload FROM messages WHERE station_id = ? AND seq = ?')
        .pluck()
        .get('st-q', takenSeq) as string,
    ) as { ts: number };
    const seen = await waitFor(
      async () => {
        const v = bookingViewSchema.parse((await api(`/api/bookings/${b1.id}`)).json);
        return v.stationTakes.length > 0 ? v : null;
      },
      { what: 'the take recorded' },
    );
    expect(seen.reservation.docks).toEqual([1, 2]);
    expect(seen.stationTakes).toEqual([{ packId: 'P1', stationId: 'st-q', dock: 1, at: at.ts }]);
  });

  it('refuses a check-out from a dock in fault or of an unknown pack, then checks out', async () => {
    await refused(`/api/bookings/${b1.id}/checkout`, { packIds: ['P1', 'P3'] }, 409, 'dock-fault');
    await refused(`/api/bookings/${b1.id}/checkout`, { packIds: ['P1', 'NOPE'] }, 404, 'unknown-pack');
    await refused(`/api/bookings/${b1.id}/return`, { problem: '' }, 409, 'not-checked-out');
    const r = await api(`/api/bookings/${b1.id}/checkout`, { packIds: ['P1', 'P2'] });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const v = bookingViewSchema.parse(r.json);
    expect(v.state).toBe('out');
    expect(v.checkout).toMatchObject({ by: 'desk', odometerKm: 120 });
    expect(v.checkout?.packs.map((p) => [p.packId, p.dock, p.socOutPct, p.socBackPct])).toEqual([
      ['P1', 1, 88, null],
      ['P2', 2, 91, null],
    ]);
    expect(central.rental.view.isCheckedOut(HW)).toBe(true);
    expect(central.rental.view.isPackOut('P2')).toBe(true);
  });

  it('refuses a pack already out and a return of a booking never checked out', async () => {
    const b2 = await api('/api/bookings', booking({ pickupAt: b1.returnAt + H, returnAt: b1.returnAt + 2 * H }));
    expect(b2.status).toBe(201);
    const id = bookingViewSchema.parse(b2.json).id;
    await refused(`/api/bookings/${id}/checkout`, { packIds: ['P2'] }, 409, 'pack-out');
    await refused(`/api/bookings/${id}/return`, { problem: 'x' }, 409, 'not-checked-out');
    await refused('/api/bookings/B-NOPE0/return', { problem: '' }, 404, 'unknown-booking');
  });

  it('returns with a problem report: SoC back from readings after the check-out, an open task', async () => {
    await docks(['P1', 64], ['P2', 70]);
    const r = await api(`/api/bookings/${b1.id}/return`, { problem: 'Bremse hinten quietscht' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const v = bookingViewSchema.parse(r.json);
    expect(v.state).toBe('returned');
    expect(v.checkout?.packs.map((p) => [p.packId, p.socBackPct])).toEqual([
      ['P1', 64],
      ['P2', 70],
    ]);
    expect(v.return).toMatchObject({ by: 'desk', odometerKm: 120 });
    const open = problemListSchema.parse((await api('/api/rental/problems')).json).items;
    expect(open).toEqual([
      expect.objectContaining({
        id: v.return?.problemId,
        bookingId: b1.id,
        itemId: HW,
        text: 'Bremse hinten quietscht',
      }),
    ]);
    expect(central.rental.view.isCheckedOut(HW)).toBe(false);
    await refused(`/api/bookings/${b1.id}/return`, { problem: '' }, 409, 'not-checked-out');
    const closed = await api(`/api/rental/problems/${v.return?.problemId}/close`, { note: 'new pads' });
    expect(closed.status).toBe(200);
    expect(problemListSchema.parse((await api('/api/rental/problems')).json).items).toEqual([]);
    expect(problemListSchema.parse((await api('/api/rental/problems?state=all')).json).items).toHaveLength(1);
  });

  it('a breakdown cancels the overlapping bookings, records whom it concerns and drops their packs', async () => {
    const list = bookingListSchema.parse(
      (await api(`/api/bookings?from=${Date.now()}&to=${Date.now() + 24 * H}`)).json,
    );
    const waiting = list.items.filter((b) => b.state === 'booked');
    expect(waiting).toHaveLength(1);
    const r = await api('/api/rental/restrictions', {
      itemId: HW,
      kind: 'breakdown',
      from: Date.now(),
      to: null,
      text: 'Rahmen gebrochen',
    });
    expect(r.status).toBe(201);
    const restriction = restrictionSchema.parse(r.json);
    expect(restriction.concerns).toEqual([{ bookingId: waiting[0]?.id, contact: 'Ada', deskUser: 'desk' }]);
    const after = bookingViewSchema.parse((await api(`/api/bookings/${waiting[0]?.id}`)).json);
    expect(after).toMatchObject({ state: 'cancelled', cancelled: { reason: 'breakdown: Rahmen gebrochen' } });
    expect(commands).toContainEqual({ name: 'remove-booking', args: { id: waiting[0]?.id } });
    expect(central.rental.view.isDisabled(HW, Date.now())).toBe(true);
    await refused(
      '/api/bookings',
      booking({ pickupAt: Date.now() + 30 * H, returnAt: Date.now() + 31 * H }),
      409,
      'restricted',
    );
    const lifted = await api(`/api/rental/restrictions/${restriction.id}/lift`, {});
    expect(lifted.status).toBe(200);
    expect(central.rental.view.isDisabled(HW, Date.now())).toBe(false);
  });

  it('records a check-out the station confirmed (pack, dock, SoC, time); refuses and counts an unknown booking', async () => {
    const r = await api('/api/bookings', booking({ pickupAt: Date.now() + 30 * H, returnAt: Date.now() + 31 * H }));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const b3 = bookingViewSchema.parse(r.json);
    const takenAt = Date.now() - 5000;
    const packOut = (bookingId: string) => ({
      type: 'booking-pack-out',
      severity: 'info',
      dock: 2,
      message: `booking ${bookingId}: pack P2 out of dock 2 (button)`,
      data: { bookingId, dock: 2, packId: 'P2', socPct: 77, takenAt, confirmedBy: 'button' },
    });
    const seq = await send('event', packOut(b3.id));
    const seen = await waitFor(
      async () => {
        const v = bookingViewSchema.parse((await api(`/api/bookings/${b3.id}`)).json);
        return v.stationCheckouts.length > 0 ? v : null;
      },
      { what: 'the station check-out recorded' },
    );
    expect(seen.stationCheckouts).toEqual([
      {
        packId: 'P2',
        stationId: 'st-q',
        dock: 2,
        socOutPct: 77,
        takenAt,
        confirmedAt: expect.any(Number) as number,
        confirmedBy: 'button',
      },
    ]);
    // The first pack confirmed at the station starts the ride: out since the reading, by the station.
    expect(seen).toMatchObject({ state: 'out', checkout: { at: takenAt, by: 'station st-q', odometerKm: 120 } });
    expect(seen.checkout?.packs.map((p) => [p.packId, p.dock, p.socOutPct, p.backAt])).toEqual([['P2', 2, 77, null]]);
    expect(central.rental.view.isPackOut('P2')).toBe(true);
    expect(central.db.db.prepare('SELECT seq FROM rental_station_checkouts').pluck().get()).toBe(seq);

    // An unknown booking, and the same check-out sent again: nothing written, each counted by its outcome.
    const before = counts();
    await send('event', packOut('B-NOPE0'));
    await send('event', packOut(b3.id));
    await waitFor(() => (central.rental.checkouts.outcomes.get('duplicate') ?? 0) >= 1, { what: 'the repeat read' });
    expect(central.rental.checkouts.outcomes.get('unknown-booking')).toBe(1);
    expect(central.rental.checkouts.outcomes.get('recorded')).toBe(1);
    expect(counts()).toEqual(before);
    const metrics = await (await fetch(`http://127.0.0.1:${central.httpPort}/metrics`)).text();
    expect(metrics).toContain('rikscha_rental_station_checkouts_total{outcome="unknown-booking"} 1');
    expect(metrics).toContain('rikscha_rental_station_checkouts_total{outcome="recorded"} 1');

    // The desk takes it back as any ride: SoC back from a later reading.
    await docks(['P1', 64], ['P2', 52]);
    const back = await api(`/api/bookings/${b3.id}/return`, { problem: '' });
    expect(back.status, JSON.stringify(back.json)).toBe(200);
    expect(bookingViewSchema.parse(back.json).checkout?.packs.map((p) => [p.packId, p.socBackPct])).toEqual([
      ['P2', 52],
    ]);
    // A check-out for a booking already returned is refused and counted too.
    await send('event', packOut(b3.id));
    await waitFor(() => (central.rental.checkouts.outcomes.get('closed-booking') ?? 0) >= 1, {
      what: 'the closed booking refused',
    });
  });
});
