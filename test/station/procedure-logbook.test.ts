// A guided procedure at a real station (simulated dock, virtual I/O board) walked through with button presses, with a
// step that waits for the dock to be empty and one for the pack to be back; its events and the logbook entry then
// appear centrally (the same process runs a real central). Then the logbook over HTTP: CSV, the printable page, the
// pseudonym table only for staff, and a run assigned later by a mechanic.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Central } from '../../broker/central.ts';
import { logbookListSchema, traineeNameListSchema, traineeRecordSchema } from '../../contract/logbook.ts';
import { eventSchema } from '../../contract/messages.ts';
import type { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { RUN_DEFAULTS } from '../../station/procedures/procedure-run.ts';
import type { StationHandle } from '../../station/station.ts';
import { startSimStationRig, type SimStationRig } from '../support/sim-station-rig.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: process.env.DEBUG_PROC ? 'debug' : 'silent' });
const ID = 'proc-test';
const PIN = 2;
/** A long press: held this long fires it (the board config's holdMs). */
const HOLD_MS = 300;
let rig: SimStationRig;
let central: Central;
let sim: SimStation;
let station: StationHandle;
let cookie = '';
let mechanicPw = '';

const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${central.httpPort}${path}`, init);

beforeAll(async () => {
  rig = await startSimStationRig({
    prefix: 'rikscha-proc-',
    stationId: ID,
    log,
    packs: [{ dock: 1, batteryId: 'B-1', socPct: 40 }],
    central: { ingest: { flushIntervalMs: 20 } },
    station: {
      telemetryIntervalMs: 200,
      pollIntervalMs: 150,
      tickMs: 50,
      traineeNumbers: 3,
      ioBoard: {
        io: { type: 'virtual' },
        leds: { 'dock-1': { type: 'single', pins: { green: 4, red: 5 } } },
        buttons: { acknowledge: { pin: PIN, holdMs: HOLD_MS } },
      },
    },
  });
  ({ central, sim, station } = rig);
  mechanicPw = central.addMechanic('anleiterin');
  await waitFor(() => station.link.connected && station.docks()[0]?.state === 'charging', {
    what: 'the station connected and dock 1 charging',
    timeoutMs: 20_000,
  });
  const login = await http('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'anleiterin', password: mechanicPw }),
  });
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
/** The finger's own timing (well past the 50 ms debounce), not a wait for the station: that is waitFor's job. */
const finger = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shortPress(then: string, until: () => boolean): Promise<void> {
  io().press(PIN);
  await finger(120);
  io().release(PIN);
  await waitFor(until, { what: `${then} (screen: ${screen().join(' | ')})` });
}

/** Held until the station reacts (the long press fired), then let go. */
async function longPress(then: string, until: () => boolean): Promise<void> {
  io().press(PIN);
  await waitFor(until, { what: `${then} (screen: ${screen().join(' | ')})`, timeoutMs: 15_000 });
  io().release(PIN);
  await finger(150);
}

describe('a guided procedure, from the station to the central logbook', () => {
  it('swaps the pack on dock 1 step by step, and the logbook entry appears centrally', async () => {
    await shortPress('the tasks page', () => screen()[0] === 'AUFGABEN');
    await finger(150);
    await longPress('the list of procedures', () => screen()[1] === 'Akku tauschen');
    await longPress('the trainee number', () => screen()[0] === 'Deine Nummer?');
    await shortPress('number 1', () => screen()[1] === '1');
    await finger(150);
    await shortPress('number 2', () => screen()[1] === '2');
    await finger(150);
    // Started: the dock goes into maintenance and the first step waits for the charger to be off.
    await longPress('step 1', () => screen()[0]?.startsWith('Schritt 1/4') === true);
    await waitFor(() => screen()[0]?.startsWith('Schritt 2/4'), {
      what: 'the charger seen off (step 2)',
      timeoutMs: 15_000,
    });
    expect(station.docks()[0]).toMatchObject({ state: 'maintenance', charger: { outputOn: false } });
    // The trainee takes the pack out: its BMS stops answering, the dock is empty, the step moves on by itself.
    await sim.port(1, 'bms')?.unplug();
    await waitFor(() => screen()[0]?.startsWith('Schritt 3/4'), { what: 'the dock seen empty', timeoutMs: 15_000 });
    await sim.port(1, 'bms')?.plug();
    await waitFor(() => screen()[0]?.startsWith('Schritt 4/4'), { what: 'the pack seen back', timeoutMs: 15_000 });
    expect(screen()[3]).toBe('Fertig: Taste lang');
    // The trainee reads the step first: a long press ending sooner than minStepMs after it appeared is not taken.
    await finger(RUN_DEFAULTS.minStepMs);
    await longPress('the end', () => screen()[0] === 'Aufgabe fertig.');

    // Centrally: the entry, done, on trainee 2; the events stored, with no name anywhere.
    const entry = await waitFor(
      async () => {
        const list = logbookListSchema.parse(await (await http('/api/logbook?trainee=2')).json());
        return list.items.find((e) => e.outcome === 'done');
      },
      { what: 'the logbook entry in the central store', timeoutMs: 15_000 },
    );
    expect(entry).toMatchObject({
      stationId: ID,
      procedureId: 'swap-pack',
      title: 'Akku tauschen',
      trainee: 2,
      dock: 1,
      stepsDone: 4,
      steps: 4,
      reason: 'done',
    });
    const events = central.db.db
      .prepare("SELECT payload FROM messages WHERE station_id = ? AND kind = 'event' ORDER BY seq")
      .pluck()
      .all(ID)
      .map((p) => eventSchema.parse(JSON.parse(String(p))))
      .filter((e) => e.type.startsWith('procedure-'));
    expect(events.map((e) => [e.type, e.data?.stepId ?? null, e.data?.by ?? null])).toEqual([
      ['procedure-started', null, null],
      ['procedure-step', 'charger-off', 'condition'],
      ['procedure-step', 'pack-out', 'condition'],
      ['procedure-step', 'pack-in', 'condition'],
      ['procedure-step', 'plug-firm', 'button'],
      ['procedure-ended', null, null],
    ]);
    // The dock is back in service.
    await waitFor(() => station.docks()[0]?.state !== 'maintenance', { what: 'dock 1 out of maintenance' });
  }, 60_000);
});

describe('the logbook over HTTP', () => {
  it('names only for staff; the printable page and the CSV', async () => {
    expect((await http('/api/trainee-names')).status).toBe(401);
    const put = (body: unknown, withCookie = true) =>
      http('/api/trainee-names/2', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(withCookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
    expect((await put({ name: 'Mira K.' }, false)).status).toBe(401);
    expect((await put({ name: '' })).status).toBe(400);
    expect((await put({ name: 'Mira K.' })).status).toBe(200);
    const names = traineeNameListSchema.parse(await (await http('/api/trainee-names', { headers: { cookie } })).json());
    expect(names.items).toMatchObject([{ trainee: 2, name: 'Mira K.', updatedBy: 'anleiterin' }]);

    const record = traineeRecordSchema.parse(await (await http('/api/trainees/2')).json());
    expect(record).toMatchObject({ trainee: 2, done: 1, weeksActive: 1 });
    expect(record.tasks).toMatchObject([{ procedureId: 'swap-pack', done: 1 }]);
    expect(JSON.stringify(record)).not.toContain('Mira');

    const open = await (await http('/sheet/trainees/2')).text();
    expect(open).toContain('Teilnehmer/in Nr. 2');
    expect(open).not.toContain('Mira');
    const staff = await http('/sheet/trainees/2', { headers: { cookie } });
    expect(staff.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await staff.text()).toContain('Mira K. (Nr. 2)');

    const csv = await http('/api/trainees/2/logbook.csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2,swap-pack,Akku tauschen,done,done,/);
    expect((await http('/api/trainees/99')).status).toBe(404);
    expect((await http('/api/trainees/abc')).status).toBe(400);
  });

  it('a mechanic moves a run to another trainee; without a login that is refused', async () => {
    const [entry] = logbookListSchema.parse(await (await http('/api/logbook')).json()).items;
    if (!entry) throw new Error('expected the entry of the first test');
    const path = `/api/logbook/${entry.stationId}/${entry.runId}/trainee`;
    const post = (body: unknown, headers: Record<string, string> = { cookie }) =>
      http(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({ trainee: 3 }, {})).status).toBe(401);
    const moved = await post({ trainee: 3 });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ trainee: 3, assignedBy: 'anleiterin' });
    expect((await http('/api/trainees/2')).status).toBe(404);
    expect((await http('/api/trainees/3')).status).toBe(200);
  });
});
