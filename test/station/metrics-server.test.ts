// The station's local metrics port: Prometheus text with the loop, device and dock figures, and a health check
// that turns 503 when the charge loop stalls. Off when the config has no `metrics` section.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManualStation, type ManualStation } from '../support/manual-station.ts';

let rig: ManualStation;
let base: string;

beforeAll(async () => {
  rig = await startManualStation('metrics-test', { metrics: { port: 0 } });
  if (rig.station.metricsPort === null) throw new Error('expected a metrics port');
  base = `http://127.0.0.1:${rig.station.metricsPort}`;
  await rig.ticks(30);
});

afterAll(async () => {
  await rig?.stop();
});

describe('station metrics port', () => {
  it('serves Prometheus text with loop ticks, device counters and dock states', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const ticks = Number(/^rikscha_station_loop_ticks_total\{station="metrics-test"\} (\d+)$/m.exec(text)?.[1]);
    expect(ticks).toBeGreaterThanOrEqual(25);
    expect(text).toMatch(/^rikscha_station_device_requests_total\{station="metrics-test",device="[^"]+"\} [1-9]\d*$/m);
    expect(text).toMatch(/^rikscha_station_device_crc_errors_total\{station="metrics-test",device="[^"]+"\} 0$/m);
    expect(text).toMatch(/^rikscha_station_docks\{station="metrics-test",state="[a-z]+"\} 1$/m);
    expect(text).toContain('rikscha_station_mqtt_connected{station="metrics-test"} 0');
    expect(text).toContain('# TYPE rikscha_station_loop_ticks_total counter');
  });

  it('answers healthz 200 while the loop ticks and 503 once it has stalled', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
    rig.station.loop.stop();
    await rig.ticks(11);
    const stalled = await fetch(`${base}/healthz`);
    expect(stalled.status).toBe(503);
    expect((await stalled.json()) as { ok: boolean; loopAgeMs: number }).toMatchObject({ ok: false });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
