// The audit trail on a real central: every mechanic command (ok, refused by the station, no answer, offline,
// invalid) and every login (HTTP form, HTTP Basic, MQTT CONNECT; success and failure) is stored with who, where,
// when and what became of it, readable by mechanics only at GET /api/audit; no attempted password is stored.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { auditListSchema, type AuditEntry, type AuditList } from '../../contract/http-api.ts';
import { captureLogger, connackCode, connect, telemetry, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let dir: ReturnType<typeof tempDir>;
let central: Central;
let station: MqttClient;
let base: string;
let mechanicPw: string;
let viewerPw: string;
let cookie = '';
const logs = captureLogger();
/** The password an attacker tries: it must not be found anywhere afterwards. */
const GUESS = 'Sesam-Oeffne-Dich-4711';
const T_START = Date.now();

const basic = (user: string, pw: string): string => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
async function audit(query = '', headers: Record<string, string> = { cookie }): Promise<AuditList> {
  const res = await fetch(`${base}/api/audit${query}`, { headers });
  expect(res.status).toBe(200);
  return auditListSchema.parse(await res.json());
}
const find = async (pred: (e: AuditEntry) => boolean, what: string): Promise<AuditEntry> =>
  waitFor(async () => (await audit('?limit=500')).items.find(pred), { what: what });

beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: logs.log,
    ingest: { flushIntervalMs: 20 },
    commandTimeoutMs: 400,
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  const stationPw = central.addStation('st-a');
  mechanicPw = central.addMechanic('mech');
  viewerPw = central.addViewer('view');
  station = await connect(central.mqttPort ?? 0, { clientId: 'st-a', username: 'st-a', password: stationPw });
  await station.subscribeAsync('rikscha/v1/st-a/cmd/+', { qos: 1 });
  // stop-charging is carried out, acknowledge refused, set-departure never answered.
  station.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as { id: string; dock?: number };
    const name = topic.split('/')[4] ?? '';
    if (name === 'set-departure') return;
    const result =
      name === 'acknowledge'
        ? { stationId: 'st-a', ts: Date.now(), id: body.id, ok: false, error: 'fault still present' }
        : { stationId: 'st-a', ts: Date.now(), id: body.id, ok: true, result: { dock: body.dock } };
    void station.publishAsync(`${topic}/result`, JSON.stringify(result), { qos: 1 });
  });
  const online = JSON.stringify({ stationId: 'st-a', ts: Date.now(), seq: 0, online: true });
  await station.publishAsync('rikscha/v1/st-a/status', online, { qos: 1, retain: true });
  await station.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 1)), { qos: 1 });
  await waitFor(
    async () => {
      const r = (await (await fetch(`${base}/api/stations/st-a`)).json()) as { online?: boolean };
      return r.online === true;
    },
    { what: 'st-a online' },
  );
  const res = await post('/api/login', { username: 'mech', password: mechanicPw });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});

afterAll(async () => {
  await station?.endAsync();
  await central?.close();
  dir?.remove();
});

describe('GET /api/audit is for logged-in mechanics only', () => {
  it('401 without a login, 401 for a wrong Basic password, 403 for a viewer; 200 with a session or Basic', async () => {
    const none = await fetch(`${base}/api/audit`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toMatch(/log in/);
    expect((await fetch(`${base}/api/audit`, { headers: { authorization: basic('mech', 'nope') } })).status).toBe(401);
    expect((await fetch(`${base}/api/audit`, { headers: { authorization: basic('view', viewerPw) } })).status).toBe(
      403,
    );
    expect((await audit('', { authorization: basic('mech', mechanicPw) })).items.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/api/audit?kind=nothing`, { headers: { cookie } })).status).toBe(400);
  });
});

describe('logins are on the record', () => {
  it('HTTP form: success and failure, with the user name as given and the address', async () => {
    const ok = await find((e) => e.kind === 'login' && e.via === 'http-form' && e.outcome === 'ok', 'the form login');
    expect(ok).toMatchObject({ user: 'mech', address: '127.0.0.1', reason: null, stationId: null, command: null });
    expect(ok.ts).toBeGreaterThanOrEqual(T_START);
    expect((await post('/api/login', { username: 'mech', password: GUESS })).status).toBe(401);
    expect((await post('/api/login', { username: 'nobody-x', password: GUESS })).status).toBe(401);
    expect((await post('/api/login', { username: 'view', password: viewerPw })).status).toBe(403);
    const wrong = await find((e) => e.user === 'nobody-x', 'the unknown user');
    expect(wrong).toMatchObject({ kind: 'login', via: 'http-form', outcome: 'refused', reason: 'bad_credentials' });
    const viewer = await find((e) => e.user === 'view' && e.via === 'http-form', 'the viewer on the form');
    expect(viewer).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/^not_a_mechanic/) as string });
  });

  it('HTTP Basic: success and failure', async () => {
    const path = '/api/stations/st-a/commands/stop-charging';
    expect((await post(path, { dock: 1 }, { authorization: basic('basic-guess', GUESS) })).status).toBe(401);
    expect((await post(path, { dock: 1 }, { authorization: basic('mech', mechanicPw) })).status).toBe(200);
    const bad = await find((e) => e.user === 'basic-guess', 'the Basic failure');
    expect(bad).toMatchObject({ via: 'http-basic', outcome: 'refused', reason: 'bad_credentials' });
    await find((e) => e.user === 'mech' && e.via === 'http-basic' && e.outcome === 'ok', 'the Basic success');
  });

  it('MQTT CONNECT: a wrong password, a client id not its own, a station and a viewer logging in', async () => {
    const port = central.mqttPort ?? 0;
    expect(await connackCode(port, { clientId: 'mq-guess', username: 'mq-guess', password: GUESS })).toBe(4);
    expect(await connackCode(port, { clientId: 'st-a', username: 'view', password: viewerPw })).toBe(2);
    expect(await connackCode(port, { clientId: 'view:1', username: 'view', password: viewerPw })).toBe(0);
    const guess = await find((e) => e.user === 'mq-guess', 'the MQTT guess');
    expect(guess).toMatchObject({ kind: 'login', via: 'mqtt', outcome: 'refused', reason: 'bad_credentials' });
    expect(guess.address).toMatch(/127\.0\.0\.1$/);
    await find((e) => e.user === 'view' && e.via === 'mqtt' && e.reason === 'client_id_mismatch', 'stolen id');
    await find((e) => e.user === 'view' && e.via === 'mqtt' && e.outcome === 'ok', 'the viewer');
    await find((e) => e.user === 'st-a' && e.via === 'mqtt' && e.outcome === 'ok', 'the station');
  });

  it('no attempted password is stored or logged anywhere', async () => {
    await find((e) => e.user === 'mq-guess', 'the guesses written');
    for (const file of readdirSync(dir.path)) {
      const bytes = readFileSync(join(dir.path, file));
      expect(bytes.includes(GUESS), file).toBe(false);
      expect(bytes.includes(Buffer.from(GUESS, 'utf16le')), file).toBe(false);
    }
    const all = JSON.stringify(await audit('?limit=500'));
    expect(all).not.toContain(GUESS);
    expect(all).not.toContain(mechanicPw);
    expect(JSON.stringify(logs.lines)).not.toContain(GUESS);
  });
});

describe('mechanic commands are on the record with the station answer', () => {
  const cmd = (name: string, body: unknown) => post(`/api/stations/st-a/commands/${name}`, body, { cookie });

  it('carried out, refused, unanswered and invalid', async () => {
    expect((await cmd('stop-charging', { dock: 2 })).status).toBe(200);
    expect((await cmd('acknowledge', { dock: 1 })).status).toBe(422);
    expect((await cmd('set-departure', { dock: 1, args: { at: 1_800_000_000_000 } })).status).toBe(504);
    expect((await cmd('stop-charging', { dock: 9 })).status).toBe(400);
    const { items } = await audit('?kind=command&limit=500');
    expect(items.every((e) => e.kind === 'command')).toBe(true);
    const by = (name: string, dock: number) => items.find((e) => e.command === name && e.dock === dock);
    expect(by('stop-charging', 2)).toMatchObject({
      user: 'mech',
      address: '127.0.0.1',
      via: 'http',
      stationId: 'st-a',
      outcome: 'ok',
      answer: { dock: 2 },
    });
    expect(by('acknowledge', 1)).toMatchObject({ outcome: 'refused', reason: 'fault still present', answer: null });
    expect(by('set-departure', 1)).toMatchObject({ outcome: 'timeout', args: { at: 1_800_000_000_000 } });
    expect(by('stop-charging', 9)).toMatchObject({ outcome: 'invalid', reason: 'no dock 9' });
  });

  it('a station offline', async () => {
    const offline = JSON.stringify({ stationId: 'st-a', ts: Date.now(), seq: 0, online: false });
    await station.publishAsync('rikscha/v1/st-a/status', offline, { qos: 1, retain: true });
    await waitFor(
      async () => {
        const r = (await (await fetch(`${base}/api/stations/st-a`)).json()) as { online?: boolean };
        return r.online === false;
      },
      { what: 'st-a offline' },
    );
    expect((await cmd('resume-charging', { dock: 1 })).status).toBe(409);
    const e = await find((x) => x.command === 'resume-charging', 'the offline command');
    expect(e).toMatchObject({ outcome: 'offline', stationId: 'st-a', dock: 1, user: 'mech' });
  });
});

describe('reading the trail', () => {
  it('filters by kind and time, and pages without gaps or repeats', async () => {
    const everything = (await audit('?limit=500')).items;
    expect(everything.length).toBeGreaterThan(10);
    // Newest first, by id.
    expect(everything.map((e) => e.id)).toEqual([...everything.map((e) => e.id)].sort((a, b) => b - a));
    const logins = (await audit('?kind=login&limit=500')).items;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.kind === 'login')).toBe(true);
    const paged: number[] = [];
    let next: number | null = null;
    do {
      const page: AuditList = await audit(`?limit=3${next === null ? '' : `&before=${next}`}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((e) => e.id));
      next = page.next;
    } while (next !== null);
    // Reading (with Basic) adds login records meanwhile; the pages walk the older ones exactly once.
    expect(paged.filter((id) => id <= (everything[0]?.id ?? 0))).toEqual(everything.map((e) => e.id));
    const mid = everything[Math.floor(everything.length / 2)]?.ts ?? 0;
    const later = (await audit(`?from=${mid + 1}&limit=500`)).items;
    expect(later.every((e) => e.ts > mid)).toBe(true);
    const earlier = (await audit(`?to=${mid}&limit=500`)).items;
    expect(earlier.every((e) => e.ts <= mid)).toBe(true);
    expect(earlier.length).toBeGreaterThan(0);
  });
});
