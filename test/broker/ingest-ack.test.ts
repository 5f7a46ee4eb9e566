// End to end on the embedded broker: a station publishes, the ingester stores in batches, drops duplicates and
// acks on rikscha/v1/<id>/ack with the highest contiguous seq, only once it is committed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ackSchema } from '../../contract/messages.ts';
import { collect, event, startTestCentral, status, telemetry } from './helpers.ts';
import { waitFor } from '../support/wait-for.ts';

let t: Awaited<ReturnType<typeof startTestCentral>>;
beforeAll(async () => {
  t = await startTestCentral({ stations: ['st-a'] });
});
afterAll(async () => {
  await t.stop();
});

describe('ingestion with the embedded broker', () => {
  it('stores each seq once, counts the gap and acks the contiguous seq after the commit', async () => {
    const a = await t.station('st-a');
    const acks = collect(a);
    const reader = new Database(t.central.db.path, { readonly: true });
    const storedAt = new Map<number, number[]>();
    a.on('message', (_topic, raw) => {
      const ack = ackSchema.parse(JSON.parse(raw.toString('utf8')));
      storedAt.set(
        ack.seq,
        reader.prepare('SELECT seq FROM messages WHERE station_id = ? ORDER BY seq').pluck().all('st-a') as number[],
      );
    });
    await a.subscribeAsync('rikscha/v1/st-a/ack', { qos: 1 });
    await a.publishAsync('rikscha/v1/st-a/status', status('st-a', true), { qos: 1, retain: true });
    for (const seq of [1, 2, 2, 3, 5])
      await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', seq)), { qos: 1 });
    await a.publishAsync('rikscha/v1/st-a/event', JSON.stringify(event('st-a', 6)), { qos: 1 });

    await waitFor(() => acks.find((m) => (m.json as { seq: number }).seq === 3), { what: 'ack 3' });
    expect(acks.every((m) => m.topic === 'rikscha/v1/st-a/ack')).toBe(true);
    expect(Math.max(...acks.map((m) => (m.json as { seq: number }).seq))).toBe(3);
    expect(storedAt.get(3)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(t.central.metrics.get('rikscha_duplicates_dropped_total')).toBe(1);

    const st = ((await (await t.http('/api/stations')).json()) as { items: Array<Record<string, unknown>> }).items[0];
    expect(st).toMatchObject({ stationId: 'st-a', online: true, lastSeq: 6, ackSeq: 3, missingSeqs: 1 });

    // The gap fills: the ack jumps to 6.
    await a.publishAsync('rikscha/v1/st-a/telemetry', JSON.stringify(telemetry('st-a', 4)), { qos: 1 });
    await waitFor(() => acks.find((m) => (m.json as { seq: number }).seq === 6), { what: 'ack 6' });
    expect(storedAt.get(6)).toEqual([1, 2, 3, 4, 5, 6]);
    reader.close();
    await a.endAsync();
  });

  it('marks the station offline through its last will', async () => {
    const a = await t.station('st-a', {
      will: { topic: 'rikscha/v1/st-a/status', payload: Buffer.from(status('st-a', false)), qos: 1, retain: true },
    });
    await a.publishAsync('rikscha/v1/st-a/status', status('st-a', true), { qos: 1, retain: true });
    await waitFor(
      async () =>
        ((await (await t.http('/api/stations')).json()) as { items: Array<{ online: boolean }> }).items[0]?.online ===
        true,
      { what: 'online' },
    );
    a.stream.destroy(); // an unclean drop, so the broker sends the will
    await waitFor(
      async () =>
        ((await (await t.http('/api/stations')).json()) as { items: Array<{ online: boolean }> }).items[0]?.online ===
        false,
      { what: 'offline' },
    );
    await a.endAsync(true);
  });

  it('sends the retained ack to a station when it subscribes again', async () => {
    const a = await t.station('st-a');
    const got = collect(a);
    await a.subscribeAsync('rikscha/v1/st-a/ack', { qos: 1 });
    const ack = await waitFor(() => got.find((m) => m.topic === 'rikscha/v1/st-a/ack'), { what: 'retained ack' });
    expect(ack).toMatchObject({ retain: true, json: { stationId: 'st-a', seq: 6 } });
    await a.endAsync();
  });
});
