// Mechanic actions over HTTP against the embedded broker, with a station played by a real MQTT client: logins
// (cookie, Basic, throttling), the JSON-only guard, command validation, and the station's answers relayed back
// (ok, refused, no answer, offline).

import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type Central } from '../../broker/central.ts';
import { ManualClock } from '../../lib/manual-clock.ts';
import { captureLogger, connect, telemetry, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

const COMMAND_TIMEOUT_MS = 5000;
const clock = new ManualClock(Date.now());
let dir: ReturnType<typeof tempDir>;
let central: Central;
let station: MqttClient;
let base: string;
let mechanicPw: string;
let viewerPw: string;
const received: Array<{ topic: string; body: { id: string; dock?: number; args?: Record<string, unknown> } }> = [];
const logs = captureLogger();

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
async function login(username: string, password: string): Promise<{ res: Response; cookie: string }> {
  const res = await post('/api/login', { username, password });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { res, cookie };
}
async function publishStatus(online: boolean): Promise<void> {
  await station.publishAsync(
    'rikscha/v1/st-a/status',
    JSON.stringify({ stationId: 'st-a', ts: Date.now(), seq: 0, online }),
    { qos: 1, retain: true },
  );
}

beforeAll(async () => {
  dir = tempDir();
  central = await startCentral({
    dataDir: dir.path,
    mqtt: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0 },
    logger: logs.log,
    // Time stands still unless a test moves it: neither the station's answer nor the login throttle's wait races a
    // real-time window on a slow machine. Each message is stored at once, as no flush timer runs.
    clock,
    ingest: { maxBatch: 1 },
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  });
  base = `http://127.0.0.1:${central.httpPort}`;
  const stationPw = central.addStation('st-a');
  mechanicPw = central.addMechanic('mech');
  viewerPw = central.addViewer('view');
  station = await connect(central.mqttPort ?? 0, { clientId: 'st-a', username: 'st-a', password: stationPw });
  await station.subscribeAsync('rikscha/v1/st-a/cmd/+', { qos: 1 });
  // The station's side: stop-charging works, acknowledge is refused, set-departure is never answered.
  station.on('message', (topic, payload) => {
    const body = JSON.parse(payload.toString()) as { id: string; dock?: number; args?: Record<string, unknown> };
    received.push({ topic, body });
    const name = topic.split('/')[4] ?? '';
    if (name === 'set-departure') return;
    const ok = name !== 'acknowledge';
    const result = ok
      ? { stationId: 'st-a', ts: Date.now(), id: body.id, ok, result: { dock: body.dock, done: name } }
      : { stationId: 'st-a', ts: Date.now(), id: body.id, ok, error: 'fault still present: cell over-voltage' };
    void station.publishAsync(`${topic}/result`, JSON.stringify(result), { qos: 1 });
  });
  await publishStatus(true);
  await station.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 1)), { qos: 1 });
  await waitFor(
    async () => {
      const r = (await (await fetch(`${base}/api/stations/st-a`)).json()) as { online?: boolean; docks?: unknown[] };
      return r.online === true && (r.docks?.length ?? 0) > 0;
    },
    { what: 'st-a online with its docks' },
  );
});

afterAll(async () => {
  await station?.endAsync();
  await central?.close();
  dir?.remove();
});

describe('mechanic logins', () => {
  it('refuses wrong passwords and non-mechanics, and gives a mechanic an HttpOnly SameSite=Strict session', async () => {
    expect((await login('mech', 'wrong')).res.status).toBe(401);
    const viewer = await login('view', viewerPw);
    expect(viewer.res.status).toBe(403);
    expect(viewer.cookie).toBe('');
    const { res, cookie } = await login('mech', mechanicPw);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: 'mech', role: 'mechanic' });
    expect(res.headers.get('set-cookie')).toMatch(/^rikscha_session=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\//);
    const session = await fetch(`${base}/api/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ username: 'mech', role: 'mechanic' });
    expect(await (await fetch(`${base}/api/session`)).json()).toEqual({ username: null, role: null });
    expect((await post('/api/logout', {}, { cookie })).status).toBe(204);
    expect(await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()).toEqual({
      username: null,
      role: null,
    });
  });
});

describe('commands to a station', () => {
  let cookie = '';
  beforeAll(async () => {
    cookie = (await login('mech', mechanicPw)).cookie;
  });

  it('relays a command to the station and its answer back', async () => {
    const before = received.length;
    const res = await post('/api/stations/st-a/commands/stop-charging', { dock: 1 }, { cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { dock: 1, done: 'stop-charging' } });
    const got = received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]?.topic).toBe('rikscha/v1/st-a/cmd/stop-charging');
    expect(got[0]?.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/) as string, dock: 1 });
    // Who did it is on the record.
    expect(
      logs.lines.find((l) => l.msg === 'command sent to station' && l.by === 'mech' && l.command === 'stop-charging'),
    ).toBeDefined();
  });

  it("answers 422 with the station's reason when it refuses", async () => {
    const res = await post('/api/stations/st-a/commands/acknowledge', { dock: 1 }, { cookie });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'fault still present: cell over-voltage' });
  });

  it('answers 504 when the station does not answer in time', async () => {
    const before = received.length;
    const pending = post(
      '/api/stations/st-a/commands/set-departure',
      { dock: 1, args: { at: Date.now() + 3_600_000 } },
      { cookie },
    );
    await waitFor(() => received.slice(before).some((r) => r.topic.endsWith('/cmd/set-departure')), {
      what: 'set-departure at the station',
    });
    clock.advance(COMMAND_TIMEOUT_MS);
    const res = await pending;
    expect(res.status).toBe(504);
    expect(central.metrics.get('rikscha_command_results_total', { result: 'timeout' })).toBeGreaterThanOrEqual(1);
  });

  it('checks the request before anything goes out', async () => {
    const before = received.length;
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/api/stations/st-a/commands/maintenance', { dock: 1 }, 400, /on/],
      ['/api/stations/st-a/commands/stop-charging', { dock: 99 }, 400, /no dock 99/],
      ['/api/stations/st-a/commands/stop-charging', { dock: 'one' }, 400, /dock/],
      ['/api/stations/st-a/commands/self-destruct', { dock: 1 }, 404, /no such command/],
      ['/api/stations/st-zz/commands/stop-charging', { dock: 1 }, 404, /no such station/],
    ];
    for (const [path, body, status, error] of cases) {
      const res = await post(path, body, { cookie });
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    // Not JSON (what a cross-site form would send): refused, so a forged form cannot act for a logged-in mechanic.
    const form = await fetch(`${base}/api/stations/st-a/commands/stop-charging`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'dock=1',
    });
    expect(form.status).toBe(415);
    expect(received.length).toBe(before);
  });

  it('needs a mechanic: no login, a viewer, a bad Basic password are refused; a good Basic login works', async () => {
    expect((await post('/api/stations/st-a/commands/stop-charging', { dock: 1 })).status).toBe(401);
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await post('/api/stations/st-a/commands/stop-charging', { dock: 1 }, basic('view', viewerPw))).status).toBe(
      403,
    );
    expect((await post('/api/stations/st-a/commands/stop-charging', { dock: 1 }, basic('mech', 'nope'))).status).toBe(
      401,
    );
    expect(
      (await post('/api/stations/st-a/commands/resume-charging', { dock: 2 }, basic('mech', mechanicPw))).status,
    ).toBe(200);
  });

  it('answers 409 without sending when the station is offline', async () => {
    await publishStatus(false);
    await waitFor(
      async () => ((await (await fetch(`${base}/api/stations/st-a`)).json()) as { online: boolean }).online === false,
      { what: 'st-a offline' },
    );
    const before = received.length;
    const res = await post('/api/stations/st-a/commands/stop-charging', { dock: 1 }, { cookie });
    expect(res.status).toBe(409);
    expect(received.length).toBe(before);
    await publishStatus(true);
    await waitFor(
      async () => ((await (await fetch(`${base}/api/stations/st-a`)).json()) as { online: boolean }).online,
      { what: 'st-a online again' },
    );
  });

  it('slows down repeated wrong passwords from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login('mech', `guess-${i}`)).res.status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    const throttled = await login('mech', mechanicPw);
    expect(throttled.res.status).toBe(429);
    expect(Number(throttled.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // HTTP Basic is no way around it.
    const basic = { authorization: `Basic ${Buffer.from(`mech:${mechanicPw}`).toString('base64')}` };
    expect((await post('/api/stations/st-a/commands/stop-charging', { dock: 1 }, basic)).status).toBe(429);
  });
});
