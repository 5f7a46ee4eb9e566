// Payload validation on the embedded broker: invalid JSON, schema violations, a foreign stationId and a 1 MB
// payload are rejected and counted, logged once per station per minute, while valid traffic keeps flowing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, collect, startTestCentral, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
let logs: ReturnType<typeof captureLogger>;
beforeAll(async () => {
  logs = captureLogger();
  t = await startTestCentral({ logger: logs.log });
});
afterAll(async () => {
  await t.stop();
});

const rejected = (reason: string) => t.central.metrics.get('rikscha_messages_rejected_total', { reason });

describe('payload validation on the embedded broker', () => {
  it('rejects bad payloads on a live connection and keeps ingesting the good ones', async () => {
    const viewer = await t.viewer();
    const seen = collect(viewer);
    await viewer.subscribeAsync('rikscha/v1/#', { qos: 1 });
    const a = await t.station('st-a');
    const topic = 'rikscha/v1/st-a/telemetry';
    await a.publishAsync(topic, JSON.stringify(telemetry('st-a', 1)), { qos: 1 });
    await a.publishAsync(topic, '{"stationId": "st-a", "seq": 2,', { qos: 1 });
    await a.publishAsync(topic, JSON.stringify({ ...telemetry('st-a', 3), docks: [{ dock: 'one' }] }), { qos: 1 });
    await a.publishAsync(topic, JSON.stringify(telemetry('st-b', 4)), { qos: 1 });
    // Over the 256 KiB message limit, under the 1 MiB packet limit (a larger packet closes the connection).
    const big = { ...telemetry('st-a', 5), padding: 'x'.repeat(512 * 1024) };
    await a.publishAsync(topic, JSON.stringify(big), { qos: 1 });
    await a.publishAsync(topic, JSON.stringify(telemetry('st-a', 6)), { qos: 1 });
    // The same connection is still up and every PUBACK came back: the broker kept serving.
    expect(a.connected).toBe(true);
    await waitFor(() => t.central.db.getStation('st-a')?.highestSeq === 6, { what: 'seq 6 stored' });

    expect(rejected('invalid_json')).toBe(1);
    expect(rejected('schema')).toBe(1);
    expect(rejected('station_mismatch')).toBe(1);
    expect(rejected('too_large')).toBe(1);
    // Subscribers only ever saw the valid messages.
    await waitFor(() => seen.find((m) => (m.json as { seq?: number } | undefined)?.seq === 6), {
      what: 'seq 6 delivered',
    });
    expect(seen.filter((m) => m.topic === topic).map((m) => (m.json as { seq: number }).seq)).toEqual([1, 6]);

    // Seq 3's and 5's envelopes were readable, so they are settled as rejected; 2 and 4 are missing.
    const res = await t.http('/api/stations');
    const body = (await res.json()) as {
      items: Array<{ stationId: string; missingSeqs: number; lastSeq: number; ackSeq: number; rejectedSeqs: number }>;
    };
    expect(body.items.find((s) => s.stationId === 'st-a')).toMatchObject({
      lastSeq: 6,
      ackSeq: 1,
      missingSeqs: 2,
      rejectedSeqs: 2,
    });

    const metrics = await (await t.http('/metrics')).text();
    expect(metrics).toContain('rikscha_messages_rejected_total{reason="too_large"} 1');
    expect(metrics).toContain('rikscha_messages_rejected_total{reason="invalid_json"} 1');
    await Promise.all([a.endAsync(), viewer.endAsync()]);
  });

  it('logs rejections once per station per minute', () => {
    const warnings = logs.lines.filter((l) => l.msg === 'payload rejected' && l.stationId === 'st-a');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'invalid_json', component: 'validation' });
  });
});
