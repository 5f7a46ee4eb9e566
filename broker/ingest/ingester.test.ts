// The ingester against a real SQLite file and a manual clock: batching, dedup by (stationId, seq), gap counting,
// the ack rule (contiguous from the first seq, published only after the commit) and settling rejected seqs.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import Database from 'better-sqlite3';
import { ManualClock } from '../../lib/manual-clock.ts';
import { event, telemetry, tempDir } from '../../test/broker/helpers.ts';
import { Metrics } from '../metrics/metrics.ts';
import { CentralDb } from '../store/central-db.ts';
import { ReadQueries } from '../store/read-queries.ts';
import { Ingester } from './ingester.ts';
import { validatePayload } from './validate.ts';

let dir: ReturnType<typeof tempDir>;
let db: CentralDb;
let clock: ManualClock;
let metrics: Metrics;
let ingester: Ingester;
let acks: Array<{ topic: string; seq: number; storedAtAck: number[] }>;

const T = (id: string, seq: number) => `rikscha/v1/${id}/${seq < 0 ? 'status' : 'telemetry'}`;
function offerTelemetry(id: string, seq: number, extra: Parameters<typeof telemetry>[2] = {}): void {
  const raw = Buffer.from(JSON.stringify(telemetry(id, seq, extra)));
  expect(ingester.offer(validatePayload(T(id, seq), raw), raw)).toBe(true);
}
function storedSeqs(id: string): number[] {
  // A second connection, as another reader would see the file: only committed rows are visible.
  const ro = new Database(db.path, { readonly: true });
  try {
    return ro.prepare('SELECT seq FROM messages WHERE station_id = ? ORDER BY seq').pluck().all(id) as number[];
  } finally {
    ro.close();
  }
}

beforeEach(() => {
  dir = tempDir();
  db = new CentralDb(dir.path);
  clock = new ManualClock();
  metrics = new Metrics();
  acks = [];
  ingester = new Ingester({ db, clock, metrics, log: pino({ level: 'silent' }), flushIntervalMs: 100, maxBatch: 50 });
  ingester.setAckPublisher(async (topic, payload) => {
    const a = JSON.parse(payload) as { stationId: string; seq: number };
    acks.push({ topic, seq: a.seq, storedAtAck: storedSeqs(a.stationId) });
  });
});

afterEach(async () => {
  await ingester.close();
  db.close();
  dir.remove();
});

describe('ingester', () => {
  it('writes a batch after the flush interval, then acks the contiguous seq', () => {
    for (const s of [1, 2, 3]) offerTelemetry('st-a', s);
    expect(storedSeqs('st-a')).toEqual([]);
    expect(acks).toEqual([]);
    clock.advance(100);
    expect(storedSeqs('st-a')).toEqual([1, 2, 3]);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ topic: 'rikscha/v1/st-a/ack', seq: 3 });
    // The ack went out only after the commit: a separate reader already saw every acked seq.
    expect(acks[0]?.storedAtAck).toEqual([1, 2, 3]);
  });

  it('writes at once when the batch is full', () => {
    for (let s = 1; s <= 50; s++) offerTelemetry('st-a', s);
    expect(ingester.queued).toBe(0);
    expect(storedSeqs('st-a')).toHaveLength(50);
    expect(metrics.render()).toMatch(/rikscha_ingest_batch_size_count 1/);
  });

  it('drops duplicates, within a batch and across batches', () => {
    for (const s of [1, 2, 2, 3]) offerTelemetry('st-a', s);
    clock.advance(100);
    for (const s of [3, 4]) offerTelemetry('st-a', s);
    clock.advance(100);
    expect(storedSeqs('st-a')).toEqual([1, 2, 3, 4]);
    expect(metrics.get('rikscha_duplicates_dropped_total')).toBe(2);
    expect(metrics.get('rikscha_messages_ingested_total', { kind: 'telemetry' })).toBe(4);
  });

  it('counts gaps as missing, holds the ack below the first gap and moves it when the gap fills', () => {
    const q = new ReadQueries(db);
    for (const s of [1, 2, 5, 6]) offerTelemetry('st-a', s);
    clock.advance(100);
    let st = q.stations(clock.now(), 60_000)[0];
    expect(st).toMatchObject({ stationId: 'st-a', lastSeq: 6, ackSeq: 2, missingSeqs: 2 });
    expect(acks.map((a) => a.seq)).toEqual([2]);
    offerTelemetry('st-a', 3);
    const e = Buffer.from(JSON.stringify(event('st-a', 4)));
    ingester.offer(validatePayload('rikscha/v1/st-a/event', e), e);
    clock.advance(100);
    st = q.stations(clock.now(), 60_000)[0];
    expect(st).toMatchObject({ lastSeq: 6, ackSeq: 6, missingSeqs: 0 });
    expect(acks.map((a) => a.seq)).toEqual([2, 6]);
  });

  it('acks nothing while seq 1 is missing (the start is seq 1, not the lowest seen)', () => {
    for (const s of [7, 8]) offerTelemetry('st-a', s);
    clock.advance(100);
    expect(acks).toEqual([]);
    expect(new ReadQueries(db).stations(clock.now(), 60_000)[0]).toMatchObject({ ackSeq: 0, missingSeqs: 6 });
  });

  it('starts from a declared first seq', () => {
    db.setFirstSeq('st-b', 100, clock.now());
    for (const s of [100, 101]) offerTelemetry('st-b', s);
    clock.advance(100);
    expect(acks.map((a) => a.seq)).toEqual([101]);
    expect(new ReadQueries(db).stations(clock.now(), 60_000)[0]).toMatchObject({ missingSeqs: 0 });
  });

  it('a start declared after the fact: a new central store gets a station whose seq went on', () => {
    for (const s of [5000, 5001, 5002]) offerTelemetry('st-c', s);
    clock.advance(100);
    // Waiting for seq 1 forever: nothing acked, the station's outbox would only fill.
    expect(acks).toEqual([]);
    expect(db.setFirstSeq('st-c', 5000, clock.now())).toEqual({ ackSeq: 4999, settledCount: 3 });
    offerTelemetry('st-c', 5003);
    clock.advance(100);
    expect(acks.map((a) => a.seq)).toEqual([5003]);
    expect(new ReadQueries(db).stations(clock.now(), 60_000).find((s) => s.stationId === 'st-c')).toMatchObject({
      ackSeq: 5003,
      missingSeqs: 0,
    });
  });

  it('moving the start forward within the acked range keeps the ack, even after retention deleted old rows', () => {
    for (let s = 1; s <= 10; s++) offerTelemetry('st-d', s);
    clock.advance(100);
    expect(acks.map((a) => a.seq)).toEqual([10]);
    // Retention removed seqs 1..5 (all acked); their rows are gone, but they were settled.
    db.db.prepare("DELETE FROM messages WHERE station_id = 'st-d' AND seq <= 5").run();
    expect(db.setFirstSeq('st-d', 4, clock.now())).toEqual({ ackSeq: 10, settledCount: 7 });
    offerTelemetry('st-d', 11);
    clock.advance(100);
    expect(acks.map((a) => a.seq)).toEqual([10, 11]);
    expect(new ReadQueries(db).stations(clock.now(), 60_000).find((s) => s.stationId === 'st-d')).toMatchObject({
      ackSeq: 11,
      missingSeqs: 0,
    });
  });

  it('re-sends the current ack when a station repeats something already acked (it missed the ack)', () => {
    for (const s of [1, 2]) offerTelemetry('st-a', s);
    clock.advance(100);
    offerTelemetry('st-a', 2);
    clock.advance(100);
    expect(acks.map((a) => a.seq)).toEqual([2, 2]);
  });

  it('settles a schema-violating seq so the ack passes it, and a valid re-send replaces it', () => {
    offerTelemetry('st-a', 1);
    const bad = Buffer.from(JSON.stringify({ ...telemetry('st-a', 2), docks: 'nope' }));
    const v = validatePayload('rikscha/v1/st-a/telemetry', bad);
    expect(v).toMatchObject({ ok: false, reason: 'schema', seq: 2 });
    ingester.offer(v, bad);
    offerTelemetry('st-a', 3);
    clock.advance(100);
    const q = new ReadQueries(db);
    expect(q.stations(clock.now(), 60_000)[0]).toMatchObject({ ackSeq: 3, missingSeqs: 0, rejectedSeqs: 1 });
    offerTelemetry('st-a', 2);
    clock.advance(100);
    expect(q.stations(clock.now(), 60_000)[0]).toMatchObject({ ackSeq: 3, rejectedSeqs: 0 });
  });

  it('keeps the newest telemetry as latest when an older backlog arrives later', () => {
    offerTelemetry('st-a', 10, { socPct: 90 });
    clock.advance(100);
    offerTelemetry('st-a', 4, { socPct: 10 });
    clock.advance(100);
    const st = new ReadQueries(db).stations(clock.now(), 60_000)[0];
    expect(st?.docks[0]?.battery?.socPct).toBe(90);
  });

  it('tracks status and marks a silent station offline', () => {
    const raw = Buffer.from(JSON.stringify({ stationId: 'st-a', ts: 1, seq: 0, online: true }));
    ingester.offer(validatePayload('rikscha/v1/st-a/status', raw), raw);
    clock.advance(100);
    const q = new ReadQueries(db);
    expect(q.stations(clock.now(), 60_000)[0]?.online).toBe(true);
    expect(q.stations(clock.now() + 61_000, 60_000)[0]?.online).toBe(false);
  });

  it('refuses messages after close, and close writes what is queued', async () => {
    offerTelemetry('st-a', 1);
    await ingester.close();
    expect(storedSeqs('st-a')).toEqual([1]);
    const raw = Buffer.from(JSON.stringify(telemetry('st-a', 2)));
    expect(ingester.offer(validatePayload('rikscha/v1/st-a/telemetry', raw), raw)).toBe(false);
  });
});

describe('ingester with the write worker', () => {
  it('pipelines batches to the worker, acks in commit order, stores payloads as text, and close writes the rest', async () => {
    const { WriteWorkerClient } = await import('./write-worker-client.ts');
    const worker = new WriteWorkerClient({ dataDir: dir.path });
    await worker.started();
    const wi = new Ingester({
      db,
      clock,
      metrics: new Metrics(),
      log: pino({ level: 'silent' }),
      flushIntervalMs: 100,
      maxBatch: 50,
      maxQueued: 60,
      worker,
    });
    const seen: number[] = [];
    let held = 0;
    wi.setAckPublisher(async (_topic, payload) => {
      seen.push((JSON.parse(payload) as { seq: number }).seq);
    });
    try {
      for (let s = 1; s <= 175; s++) {
        const raw = Buffer.from(JSON.stringify(telemetry('st-w', s, { socPct: s % 100 })));
        expect(wi.offer(validatePayload(T('st-w', s), raw), raw)).toBe(true);
        // Over its bound, the queue asks the broker to hold publishers until the worker has caught up.
        const wait = wi.writable();
        if (wait) {
          held++;
          await wait;
        }
      }
      expect(held).toBeGreaterThan(0);
      await wi.close();
      expect(storedSeqs('st-w')).toEqual(Array.from({ length: 175 }, (_, k) => k + 1));
      // One ack per commit, never going backwards, the last one covering everything.
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(seen.at(-1)).toBe(175);
      const ro = new Database(db.path, { readonly: true });
      try {
        expect(
          ro.prepare("SELECT DISTINCT typeof(payload) FROM messages WHERE station_id = 'st-w'").pluck().all(),
        ).toEqual(['text']);
        const row = ro
          .prepare("SELECT payload FROM messages WHERE station_id = 'st-w' AND seq = 42")
          .pluck()
          .get() as string;
        expect(JSON.parse(row)).toEqual(telemetry('st-w', 42, { socPct: 42 }));
      } finally {
        ro.close();
      }
    } finally {
      await worker.close();
    }
  });
});
