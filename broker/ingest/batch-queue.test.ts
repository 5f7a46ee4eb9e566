// The ingester's batch queue: batches capped at maxBatch, payloads copied into the batch's buffer at once (so the
// received Buffer may be reused), buffers grown as needed and handed back for reuse.

import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.ts';
import type { BatchItem } from './batch-writer.ts';

const item = (seq: number, payload: string | null = null): BatchItem => ({
  t: 'data',
  kind: 'telemetry',
  stationId: 's1',
  seq,
  ts: seq,
  receivedAt: seq,
  payload,
  off: 0,
  len: 0,
});

const bytesOf = (packed: Uint8Array, it: BatchItem): string =>
  Buffer.from(packed.buffer, packed.byteOffset + it.off, it.len).toString('utf8');

describe('BatchQueue', () => {
  it('copies each payload at once, so the received buffer can change afterwards', () => {
    const q = new BatchQueue(10);
    const raw = Buffer.from('{"a":1}');
    q.push(item(1), raw);
    raw.write('XXXXXXX');
    q.push(item(2, 'text payload'), null);
    q.push(item(3), Buffer.from('{"b":22}'));
    expect(q.length).toBe(3);
    const batch = q.take();
    expect(batch).not.toBeNull();
    const [a, b, c] = batch?.items ?? [];
    expect(bytesOf(batch!.packed, a!)).toBe('{"a":1}');
    expect(b).toMatchObject({ payload: 'text payload', len: 0 });
    expect(bytesOf(batch!.packed, c!)).toBe('{"b":22}');
    expect(batch!.packed.byteLength).toBe(7 + 8);
    expect(q.length).toBe(0);
    expect(q.take()).toBeNull();
  });

  it('caps batches at maxBatch and says when one is full', () => {
    const q = new BatchQueue(2);
    q.push(item(1), Buffer.from('1'));
    expect(q.hasFull).toBe(false);
    q.push(item(2), Buffer.from('2'));
    expect(q.hasFull).toBe(true);
    q.push(item(3), Buffer.from('3'));
    expect(q.length).toBe(3);
    expect(q.take()?.items.map((i) => i.ts)).toEqual([1, 2]);
    expect(q.hasFull).toBe(false);
    expect(q.take()?.items.map((i) => i.ts)).toEqual([3]);
  });

  it('grows a batch past its first buffer without losing what it holds, and reuses a handed-back buffer', () => {
    const q = new BatchQueue(100);
    const big = (n: number): Buffer => Buffer.alloc(30_000, 48 + n);
    for (let n = 0; n < 5; n++) q.push(item(n), big(n));
    const batch = q.take()!;
    expect(batch.packed.byteLength).toBe(150_000);
    batch.items.forEach((it, n) => expect(bytesOf(batch.packed, it)).toBe(big(n).toString('utf8')));
    const buffer = batch.packed.buffer as ArrayBuffer;
    q.giveBack(buffer);
    q.push(item(9), Buffer.from('x'));
    expect(q.take()?.packed.buffer).toBe(buffer);
  });
});
