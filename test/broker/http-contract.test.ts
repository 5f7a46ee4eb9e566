// Every GET route of a real central, and the answers of login and commands, parsed with its schema from
// contract/http-api.ts and contract/sim-api.ts: the answers the dashboard reads are the contract's, not a guess.
// The data comes in as a station sends it (MQTT telemetry through real ingestion); /api/sim is served by a real
// simulator mounted the way the demo mounts it.

import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  apiErrorSchema,
  attentionListSchema,
  auditListSchema,
  batteryHistorySchema,
  batteryListSchema,
  batteryViewSchema,
  commandAnswerSchema,
  faultCodeTableSchema,
  healthzSchema,
  HISTORY_RESOLUTIONS,
  loginAnswerSchema,
  sessionSchema,
  stationListSchema,
  stationViewSchema,
} from '../../contract/http-api.ts';
import { FAULT_CODES } from '../../contract/fault-codes.ts';
import { alertListSchema, passportSchema } from '../../contract/battery-health.ts';
import { rickshawListSchema } from '../../contract/rickshaw-api.ts';
import { rideRequestListSchema } from '../../contract/ride-requests-api.ts';
import { bookingListSchema, problemListSchema, rentalOverviewSchema } from '../../contract/rental-api.ts';
import {
  logbookListSchema,
  traineeListSchema,
  traineeNameListSchema,
  traineeRecordSchema,
} from '../../contract/logbook.ts';
import { SIM_FAULT_NAMES, simFaultListSchema, simStateSchema, simTruthSchema } from '../../contract/sim-api.ts';
import { FaultInjector } from '../../hardware/faults/fault-injector.ts';
import { SimStation } from '../../hardware/station-sim/sim-station.ts';
import { createSimControlHandler } from '../../hardware/control/sim-control-api.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { startTestCentral, status, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const BATTERY = 'BAT-C1';
/** Recent: retention would delete samples from long ago before the test reads them. */
const T0 = Date.now() - 600_000;

let t: Awaited<ReturnType<typeof startTestCentral>>;
let station: MqttClient;
let sim: SimStation;
let cookie = '';

beforeAll(async () => {
  sim = new SimStation({
    stationId: 'sim-c',
    clock: new ManualClock(),
    speed: 1,
    seed: 5,
    docks: [{ dock: 1, batteryId: 'RIK-13S-0001', pack: { socPct: 50, seed: 1 }, charger: { unit: 1 } }],
  });
  await sim.start();
  const simApi = createSimControlHandler(sim, new FaultInjector(sim));
  t = await startTestCentral({ stations: ['st-c'], extraRoutes: (req, res) => simApi(req, res) });
  const mechanicPw = t.central.addMechanic('mech');
  station = await t.station('st-c');
  await station.subscribeAsync('rikscha/v1/st-c/cmd/+', { qos: 1 });
  station.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as { id: string; dock?: number };
    const result = { stationId: 'st-c', ts: Date.now(), id: body.id, ok: true, result: { dock: body.dock } };
    void station.publishAsync(`${topic}/result`, JSON.stringify(result), { qos: 1 });
  });
  await station.publishAsync('rikscha/v1/st-c/status', status('st-c', true), { qos: 1, retain: true });
  // Ten telemetry messages 5 s apart, each stored before the next (a batch samples only its newest reading):
  // ten stored samples, folded into the minute and quarter-hour tables.
  for (let seq = 1; seq <= 10; seq++) {
    const tel = telemetry('st-c', seq, { ts: T0 + seq * 5000, batteryId: BATTERY, socPct: 40 + seq });
    await station.publishAsync('rikscha/v1/st-c/telemetry', JSON.stringify(tel), { qos: 1 });
    await waitFor(() => t.central.db.getStation('st-c')?.ackSeq === seq, { what: `seq ${seq} acked` });
  }
  // A guided procedure done at the station (its start and end): the logbook's entry for trainee 4.
  const run = { runId: 'r-1', procedureId: 'swap-pack', title: 'Akku tauschen', trainee: 4, dock: 1 };
  const procedureEvents = [
    { type: 'procedure-started', data: { ...run, steps: 4 } },
    {
      type: 'procedure-ended',
      data: {
        ...run,
        outcome: 'done',
        reason: 'done',
        stepsDone: 4,
        steps: 4,
        startedAt: T0,
        durationMs: 60_000,
        chargerHeldOff: false,
      },
    },
  ];
  for (const [i, e] of procedureEvents.entries()) {
    const seq = 11 + i;
    const msg = { stationId: 'st-c', ts: T0 + 60_000 * i, seq, severity: 'info', message: e.type, ...e };
    await station.publishAsync('rikscha/v1/st-c/event', JSON.stringify(msg), { qos: 1 });
    await waitFor(() => t.central.db.getStation('st-c')?.ackSeq === seq, { what: `seq ${seq} acked` });
  }
  const login = await t.http('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mech', password: mechanicPw }),
  });
  expect(loginAnswerSchema.parse(await login.json())).toEqual({ username: 'mech', role: 'mechanic' });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});

afterAll(async () => {
  await station?.endAsync();
  await t?.stop();
  await sim?.stop();
});

/** GETs `path` and parses its JSON with `schema`; a mismatch fails with zod's list of what differs. */
async function answer<S extends z.ZodType>(path: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  const res = await t.http(path, init);
  expect(res.status, path).toBe(200);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`${path} does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}

describe('every HTTP answer matches its contract schema', () => {
  it('GET /healthz', async () => {
    expect(await answer('/healthz', healthzSchema)).toEqual({ ok: true });
  });

  it('GET /api/stations and /api/stations/<id>', async () => {
    const list = await answer('/api/stations', stationListSchema);
    expect(list.items.map((s) => s.stationId)).toEqual(['st-c']);
    const one = await answer('/api/stations/st-c', stationViewSchema);
    expect(one).toMatchObject({ stationId: 'st-c', online: true, lastSeq: 12, ackSeq: 12, missingSeqs: 0 });
    expect(one.docks.map((d) => d.dock)).toEqual([1, 2]);
    expect(one.docks[0]?.battery?.id).toBe(BATTERY);
  });

  it('GET /api/batteries and /api/batteries/<id>: the reading nests under `latest`', async () => {
    const list = await answer('/api/batteries', batteryListSchema);
    expect(list.items.map((b) => b.batteryId)).toEqual([BATTERY]);
    const one = await answer(`/api/batteries/${BATTERY}`, batteryViewSchema);
    expect(one).toMatchObject({ batteryId: BATTERY, stationId: 'st-c', dock: 1, ts: T0 + 50_000 });
    expect(one.latest).toMatchObject({ id: BATTERY, socPct: 50, voltageV: 50.1, currentA: 4.2 });
    expect(one.health.cycles).toBe(120);
  });

  it.each(['auto', ...HISTORY_RESOLUTIONS])('GET /api/batteries/<id>/history?resolution=%s', async (resolution) => {
    // From two days before: a bucket is stamped with its start, which lies before the first sample.
    const from = T0 - 2 * 86_400_000;
    const path = `/api/batteries/${BATTERY}/history?from=${from}&to=${T0 + 3_600_000}&resolution=${resolution}`;
    const history = await answer(path, batteryHistorySchema);
    expect(history.batteryId).toBe(BATTERY);
    expect(history.points.length).toBeGreaterThan(0);
    if (resolution === '5s')
      expect(history.points.map((p) => p.socPct)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    else if (resolution !== 'auto') expect(history.points.every((p) => typeof p.n === 'number')).toBe(true);
  });

  it("GET /api/attention: the fleet overview's attention list", async () => {
    // The test's station sends healthy packs: a list that parses, with nothing at its dock.
    const list = await answer('/api/attention', attentionListSchema);
    expect(list.items.filter((i) => i.stationId === 'st-c' && i.dock !== null)).toEqual([]);
  });

  it('GET /api/alerts and /api/batteries/<id>/passport: the battery-health answers', async () => {
    // A healthy pack with ten readings: no open alert, and a passport that knows where it was.
    expect((await answer('/api/alerts', alertListSchema)).items).toEqual([]);
    const passport = await answer(`/api/batteries/${BATTERY}/passport`, passportSchema);
    expect(passport).toMatchObject({ batteryId: BATTERY, retired: false });
    expect(passport.stays.map((s) => s.stationId)).toContain('st-c');
  });

  it('GET /api/fault-codes: the table of contract/fault-codes.ts', async () => {
    const table = await answer('/api/fault-codes', faultCodeTableSchema);
    expect(table.items.map((e) => e.code)).toEqual(FAULT_CODES.map((e) => e.code));
  });

  it('GET /api/ride-requests (staff only)', async () => {
    const list = await answer('/api/ride-requests', rideRequestListSchema, { headers: { cookie } });
    expect(list).toMatchObject({ items: [], retentionDays: 7, tally: [] });
  });

  it('GET /api/rickshaws', async () => {
    expect((await answer('/api/rickshaws', rickshawListSchema)).items).toEqual([]);
  });

  it('GET /api/bookings, /api/rental and /api/rental/problems (staff only)', async () => {
    expect((await t.http('/api/bookings')).status).toBe(401);
    const init = { headers: { cookie } };
    expect((await answer('/api/bookings', bookingListSchema, init)).items).toEqual([]);
    const overview = await answer('/api/rental', rentalOverviewSchema, init);
    expect(overview.items.map((i) => i.id)).toEqual([BATTERY]);
    expect(overview.locations.map((l) => l.stationId)).toEqual(['st-c']);
    expect((await answer('/api/rental/problems?state=all', problemListSchema, init)).items).toEqual([]);
  });

  it('GET /api/logbook, /api/trainees and /api/trainees/<n>', async () => {
    const list = await answer('/api/logbook', logbookListSchema);
    expect(list.items).toMatchObject([{ runId: 'r-1', trainee: 4, outcome: 'done' }]);
    expect((await answer('/api/trainees', traineeListSchema)).items).toMatchObject([{ trainee: 4, done: 1 }]);
    expect(await answer('/api/trainees/4', traineeRecordSchema)).toMatchObject({ trainee: 4, done: 1 });
  });

  it('GET /api/trainee-names (staff only)', async () => {
    expect((await t.http('/api/trainee-names')).status).toBe(401);
    expect(await answer('/api/trainee-names', traineeNameListSchema, { headers: { cookie } })).toEqual({ items: [] });
  });

  it('GET /sheet/fault-codes: an HTML page listing every code of the table', async () => {
    const res = await t.http('/sheet/fault-codes');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const listed = [...html.matchAll(/data-code="([A-Z]\d{2})"/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(FAULT_CODES.map((e) => e.code)));
  });

  it('GET /api/session, logged out and logged in', async () => {
    expect(await answer('/api/session', sessionSchema)).toEqual({ username: null, role: null });
    expect(await answer('/api/session', sessionSchema, { headers: { cookie } })).toEqual({
      username: 'mech',
      role: 'mechanic',
    });
  });

  it('POST /api/stations/<id>/commands/<name>: the station answered', async () => {
    const res = await t.http('/api/stations/st-c/commands/stop-charging', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ dock: 1 }),
    });
    expect(res.status).toBe(200);
    expect(commandAnswerSchema.parse(await res.json())).toEqual({ ok: true, result: { dock: 1 } });
  });

  it('GET /api/audit: logins and the command above, for a logged-in mechanic (401 without)', async () => {
    expect((await t.http('/api/audit')).status).toBe(401);
    const list = await answer('/api/audit', auditListSchema, { headers: { cookie } });
    expect(list.items.some((e) => e.kind === 'login' && e.user === 'mech' && e.outcome === 'ok')).toBe(true);
    const commands = await answer('/api/audit?kind=command', auditListSchema, { headers: { cookie } });
    expect(commands.items[0]).toMatchObject({ command: 'stop-charging', stationId: 'st-c', outcome: 'ok' });
  });

  it('the error answers', async () => {
    for (const path of ['/api/stations/nope', '/api/batteries/nope', '/api/nothing-here', '/api/batteries/x/y/z']) {
      const res = await t.http(path);
      expect(res.status, path).toBe(404);
      expect(apiErrorSchema.parse(await res.json()).error, path).not.toBe('');
    }
    const bad = await t.http(`/api/batteries/${BATTERY}/history?resolution=2s`);
    expect(bad.status).toBe(400);
    expect(apiErrorSchema.parse(await bad.json()).error).toMatch(/resolution/);
  });

  it('GET /api/sim, /api/sim/faults and /api/sim/truth (the simulator the demo mounts)', async () => {
    const state = await answer('/api/sim', simStateSchema);
    expect(state.stationId).toBe('sim-c');
    expect(state.faultNames).toEqual([...SIM_FAULT_NAMES]);
    expect(state.devices.map((d) => d.kind)).toEqual(['bms', 'charger']);
    expect(state.ioBoard.lcd.length).toBeGreaterThan(0);
    const post = await t.http('/api/sim/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dock: 1, fault: 'over-temperature' }),
    });
    expect(post.status).toBe(201);
    const faults = await answer('/api/sim/faults', simFaultListSchema);
    expect(faults.faults.map((f) => [f.dock, f.fault])).toEqual([[1, 'over-temperature']]);
    const truth = await answer('/api/sim/truth', simTruthSchema);
    expect(truth.batteries.map((b) => b.batteryId)).toEqual(['RIK-13S-0001']);
  });
});
