// Check-out at a real station end to end: a booking made at the desk (HTTP) reaches the station (add-booking), its
// screen names the pack and dock, the pack is pulled (the simulated BMS stops answering), a long press on the
// virtual I/O board confirms it, and the central store records that pack's check-out for the booking.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Central } from '../../broker/central.ts';
import { bookingViewSchema, type BookingView } from '../../contract/rental-api.ts';
import type { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { MIN_SHOWN_MS } from '../../station/panel/checkout-prompt.ts';
import type { StationHandle } from '../../station/station.ts';
import { startSimStationRig, type SimStationRig } from '../support/sim-station-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: 'silent' });
const ID = 'desk-st';
const HW = 'ab00cd11ef22ab33cd44ef55';
const PIN = 2;
const HOLD_MS = 300;
const H = 3_600_000;
let rig: SimStationRig;
let central: Central;
let sim: SimStation;
let station: StationHandle;
let cookie = '';

const http = (path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${central.httpPort}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  rig = await startSimStationRig({
    prefix: 'rikscha-checkout-',
    stationId: ID,
    log,
    packs: [{ dock: 1, batteryId: 'P-77', socPct: 90 }],
    central: { ingest: { flushIntervalMs: 20 }, rental: { watchIntervalMs: 100, reserveRetryMs: 1000 } },
    station: {
      telemetryIntervalMs: 200,
      pollIntervalMs: 150,
      tickMs: 50,
      ioBoard: {
        io: { type: 'virtual' },
        leds: { 'dock-1': { type: 'single', pins: { green: 4, red: 5 } } },
        buttons: { acknowledge: { pin: PIN, holdMs: HOLD_MS } },
      },
    },
  });
  ({ central, sim, station } = rig);
  const pw = central.addMechanic('desk');
  // The rickshaw as the registry knows it once it has stood in a bay (no bay at this station).
  central.db.db.prepare('INSERT INTO rickshaws (hw_id, first_seen) VALUES (?, ?)').run(HW, Date.now());
  await waitFor(() => station.link.connected && station.docks()[0]?.battery?.id === 'P-77', {
    what: 'the station connected with its pack',
    timeoutMs: 20_000,
  });
  const login = await http('/api/login', { username: 'desk', password: pw });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 40_000);

afterAll(async () => {
  await rig?.stop();
});

const screen = (): string[] => station.board?.board.snapshot().lines.map((l) => l.trimEnd()) ?? [];
const io = () => {
  const v = station.board?.board.virtual;
  if (!v) throw new Error('expected the virtual I/O board');
  return v;
};

describe('check-out at the station, from the desk to the central store', () => {
  it('books at the desk, shows pack and dock, confirms the pull with a long press and records it', async () => {
    const tf = await http('/api/rental/timeframes', { itemId: HW, stationId: ID, from: Date.now() - H, to: null });
    expect(tf.status).toBe(201);
    const made = await http('/api/bookings', {
      rickshawId: HW,
      stationId: ID,
      pickupAt: Date.now() + H,
      returnAt: Date.now() + 3 * H,
      packs: 1,
      minSocPct: 50,
      contact: 'Ada',
    });
    expect(made.status).toBe(201);
    const id = bookingViewSchema.parse(await made.json()).id;
    const booking = async (): Promise<BookingView> =>
      bookingViewSchema.parse(await (await http(`/api/bookings/${id}`)).json());

    // The station's planner reserved the pack; its screen says which to take (the rotation turns every 3 s).
    await waitFor(() => screen()[0] === `Fahrt ${id}:`, {
      what: `the booking page (${screen().join(' | ')})`,
      timeoutMs: 20_000,
    });
    expect(screen()).toEqual([`Fahrt ${id}:`, 'bitte nehmen', 'Dock 1: P-77', '']);
    await waitFor(async () => (await booking()).reservation.docks.includes(1), { what: 'the reserved dock centrally' });

    // The pack is pulled: its BMS stops answering; the station asks to confirm.
    await sim.port(1, 'bms')?.unplug();
    await waitFor(() => screen()[1] === 'Dock 1: Akku raus', {
      what: `the prompt (${screen().join(' | ')})`,
      timeoutMs: 15_000,
    });
    expect(screen()[0]).toBe(`Fahrt ${id}`);
    expect(screen()[2]).toMatch(/^P-77 \d+%$/);
    const shownSoc = Number(/(\d+)%/.exec(screen()[2] ?? '')?.[1]);
    await new Promise((r) => setTimeout(r, MIN_SHOWN_MS + 100));
    io().press(PIN);
    await waitFor(() => screen()[0] === 'Ausgabe bestätigt', { what: `the confirmation (${screen().join(' | ')})` });
    io().release(PIN);

    const out = await waitFor(
      async () => {
        const b = await booking();
        return b.stationCheckouts.length > 0 ? b : null;
      },
      { what: 'the check-out in the central store', timeoutMs: 15_000 },
    );
    expect(out.stationCheckouts).toEqual([
      expect.objectContaining({ packId: 'P-77', stationId: ID, dock: 1, socOutPct: shownSoc, confirmedBy: 'button' }),
    ]);
    expect(out).toMatchObject({ state: 'out', checkout: { by: `station ${ID}` } });
    expect(out.checkout?.packs.map((p) => [p.packId, p.socOutPct])).toEqual([['P-77', shownSoc]]);
  });
});
