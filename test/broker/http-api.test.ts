// The HTTP API's shapes after real ingestion, the dashboard's static files with their content types, the
// extra-routes hook, and the answers for what does not exist.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, status, telemetry, tempDir } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
const dash = tempDir('rikscha-dash-');
beforeAll(async () => {
  writeFileSync(join(dash.path, 'index.html'), '<!doctype html><title>rikscha</title>');
  writeFileSync(join(dash.path, 'app.js'), 'console.log(1);');
  writeFileSync(join(dash.path, 'style.css'), 'body{}');
  mkdirSync(join(dash.path, 'img'));
  writeFileSync(join(dash.path, 'img', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await startTestCentral({
    dashboardDir: dash.path,
    extraRoutes: (_req, res, url) => {
      if (!url.pathname.startsWith('/api/sim')) return false;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"sim":true}');
      return true;
    },
  });
  const a = await t.station('st-a');
  await a.publishAsync('rikscha/v1/st-a/status', status('st-a', true), { qos: 1, retain: true });
  for (let seq = 1; seq <= 3; seq++) {
    const tel = telemetry('st-a', seq, {
      batteryId: 'BAT-1',
      socPct: 40 + seq,
      cellsV: [3.8, 3.9, 3.85],
      tempsC: [30 + seq, 28],
    });
    await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(tel), { qos: 1 });
  }
  await waitFor(() => t.central.db.getStation('st-a')?.ackSeq === 3, { what: 'seq 3 acked' });
  await a.endAsync();
});
afterAll(async () => {
  await t.stop();
  dash.remove();
});

const json = async (path: string) => {
  const res = await t.http(path);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, unknown>,
  };
};

describe('HTTP API', () => {
  it('GET /healthz', async () => {
    expect(await json('/healthz')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('GET /metrics in Prometheus text format', async () => {
    const res = await t.http('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE rikscha_messages_ingested_total counter$/m);
    expect(text).toMatch(/^rikscha_messages_ingested_total\{kind="telemetry"\} 3$/m);
    expect(text).toMatch(/^rikscha_duplicates_dropped_total 0$/m);
    expect(text).toMatch(/^rikscha_ingest_batch_size_count \d+$/m);
    expect(text).toMatch(/^rikscha_stations_online 1$/m);
  });

  it('GET /api/stations', async () => {
    const { status: code, type, body } = await json('/api/stations');
    expect(code).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const items = body.items as Array<Record<string, unknown>>;
    expect(items.map((s) => s.stationId)).toEqual(['st-a', 'st-b']);
    const a = items[0]!;
    expect(a).toMatchObject({
      stationId: 'st-a',
      online: true,
      lastSeq: 3,
      ackSeq: 3,
      missingSeqs: 0,
      rejectedSeqs: 0,
    });
    expect(typeof a.lastSeen).toBe('number');
    expect(a.docks).toHaveLength(2);
    expect(a.docks).toEqual(
      telemetry('st-a', 3, { batteryId: 'BAT-1', socPct: 43, cellsV: [3.8, 3.9, 3.85], tempsC: [33, 28] }).docks,
    );
    expect(items[1]).toMatchObject({
      stationId: 'st-b',
      online: false,
      lastSeen: null,
      lastSeq: null,
      missingSeqs: 0,
      docks: [],
    });
    expect((await json('/api/stations/st-a')).body).toMatchObject({ stationId: 'st-a', lastSeq: 3 });
  });

  it('GET /api/batteries and /api/batteries/<id> with health', async () => {
    const list = (await json('/api/batteries')).body.items as Array<Record<string, unknown>>;
    expect(list.map((b) => b.batteryId)).toEqual(['BAT-1']);
    const { body } = await json('/api/batteries/BAT-1');
    expect(body).toMatchObject({
      batteryId: 'BAT-1',
      stationId: 'st-a',
      dock: 1,
      latest: { id: 'BAT-1', socPct: 43, cycles: 120 },
      health: {
        stateOfHealthPct: null,
        internalResistanceMOhm: null,
        cycles: 120,
        cellSpreadMv: 100,
        maxTempC: 33,
        maxTempEverC: 33,
      },
    });
    expect((body.health as { alerts: Array<{ code: string }> }).alerts.map((a) => a.code)).toEqual(['cell-imbalance']);
  });

  it('GET /api/batteries/<id>/history', async () => {
    const { body } = await json('/api/batteries/BAT-1/history');
    expect(body.batteryId).toBe('BAT-1');
    const points = body.points as Array<Record<string, unknown>>;
    // One sample per battery per 5 s of station time; the test telemetry is 1 s apart and came in one or more batches.
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points[0]).toMatchObject({
      stationId: 'st-a',
      dock: 1,
      voltageV: 50.1,
      currentA: 4.2,
      cellMinV: 3.8,
      cellMaxV: 3.9,
      cycles: 120,
    });
    expect(typeof points[0]?.ts).toBe('number');
    expect((await json('/api/batteries/BAT-1/history?from=abc')).status).toBe(400);
    expect(body.resolution).toBe('5s');
  });

  it('GET /api/batteries/<id>/history from the down-sampled tables, chosen by how far back `from` reaches', async () => {
    // The test telemetry is from 2023 (ts 1_700_000_001_000..3_000): beyond the 7 days of samples and 30 days of
    // minutes, so `auto` answers from the 15-minute table, which keeps a year by default.
    const old = await json('/api/batteries/BAT-1/history?from=1699999000000');
    expect(old.body.resolution).toBe('15m');
    const q = old.body.points as Array<Record<string, unknown>>;
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({
      ts: 1_700_000_001_000 - (1_700_000_001_000 % 900_000),
      stationId: 'st-a',
      dock: 1,
      cellMinV: 3.8,
      cellMaxV: 3.9,
    });
    // The bucket's mean and extremes over the samples that fell into it.
    const n = q[0]?.n as number;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(q[0]?.socMinPct).toBeLessThanOrEqual(q[0]?.socPct as number);
    expect(q[0]?.socMaxPct).toBeGreaterThanOrEqual(q[0]?.socPct as number);
    const minute = await json('/api/batteries/BAT-1/history?from=1699999000000&resolution=1m');
    expect(minute.body.resolution).toBe('1m');
    expect((minute.body.points as Array<{ ts: number }>)[0]?.ts).toBe(1_700_000_001_000 - (1_700_000_001_000 % 60_000));
    // Days are folded from the quarter-hours at read time: one point, the same means and extremes.
    const days = await json('/api/batteries/BAT-1/history?from=1699999000000&resolution=1d');
    expect(days.body.resolution).toBe('1d');
    const d = days.body.points as Array<Record<string, unknown>>;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      ts: 1_700_000_001_000 - (1_700_000_001_000 % 86_400_000),
      n,
      socPct: q[0]?.socPct,
      socMinPct: q[0]?.socMinPct,
      cellMaxV: 3.9,
    });
    const recent = await json(`/api/batteries/BAT-1/history?from=${Date.now() - 3_600_000}`);
    expect(recent.body).toMatchObject({ resolution: '5s', points: [] });
    expect((await json('/api/batteries/BAT-1/history?resolution=hourly')).status).toBe(400);
  });

  it('answers 404 for unknown stations, batteries and API paths, 405 for writes', async () => {
    expect((await json('/api/batteries/NOPE')).status).toBe(404);
    expect((await json('/api/stations/nope')).status).toBe(404);
    expect((await json('/api/unknown')).status).toBe(404);
    expect((await t.http('/api/stations', { method: 'POST' })).status).toBe(405);
  });

  it('serves the dashboard with content types, index.html at /', async () => {
    const root = await t.http('/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await root.text()).toContain('<title>rikscha</title>');
    expect((await t.http('/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await t.http('/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await t.http('/img/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
    expect((await t.http('/missing.js')).status).toBe(404);
    expect((await t.http('/..%2f..%2fetc%2fpasswd')).status).toBe(404);
  });

  it('lets the caller mount extra routes', async () => {
    expect(await json('/api/sim')).toMatchObject({ status: 200, body: { sim: true } });
  });
});
