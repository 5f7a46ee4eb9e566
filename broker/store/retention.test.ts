// Retention and down-sampling of the central store on a manual clock: what is old goes, in chunks; what is recent,
// unacked or an event stays; samples fold into 1-minute and 15-minute buckets exactly once.

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { tempDir } from '../../test/broker/helpers.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { CentralDb, type BatterySampleRow } from './central-db.ts';
import { Retention } from './retention.ts';

const DAY = 86_400_000;
const quiet = pino({ level: 'silent' });
let dir: ReturnType<typeof tempDir>;
let db: CentralDb;
let clock: ManualClock;
const count = (sql: string): number => db.db.prepare(sql).pluck().get() as number;

function message(stationId: string, seq: number, receivedAt: number, kind: 'telemetry' | 'event' = 'telemetry'): void {
  db.ensureStation(stationId, receivedAt);
  expect(db.insertMessage(stationId, seq, kind, receivedAt, receivedAt, '{}')).toBe('inserted');
}

function ack(stationId: string, seq: number): void {
  const row = db.getStation(stationId);
  if (!row) throw new Error(`no station ${stationId}`);
  db.updateStation({ ...row, ackSeq: seq });
}

function sample(ts: number, extra: Partial<BatterySampleRow> = {}): void {
  db.insertBatterySample({
    batteryId: 'bat-1',
    ts,
    stationId: 'st-a',
    dock: 1,
    socPct: 50,
    voltageV: 50,
    currentA: 4,
    cellMinV: 3.8,
    cellMaxV: 3.9,
    tempMaxC: 25,
    cycles: 10,
    ...extra,
  });
}

beforeEach(() => {
  dir = tempDir('rikscha-retention-');
  db = new CentralDb(dir.path);
  clock = new ManualClock(1_700_000_000_000 + 800 * DAY);
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('central retention', () => {
  it('deletes raw messages past rawDays in small transactions, keeping events, recent and unacked ones', async () => {
    const now = clock.now();
    for (let seq = 1; seq <= 5; seq++) message('st-a', seq, now - 40 * DAY);
    message('st-a', 6, now - 40 * DAY, 'event');
    for (const seq of [7, 8]) message('st-a', seq, now - DAY);
    // Old but above the ack: the ack walks stored seqs, so these must stay until it passes them.
    for (const seq of [10, 11]) message('st-a', seq, now - 40 * DAY);
    ack('st-a', 8);
    for (let seq = 1; seq <= 1000; seq++) message('st-b', seq, now - 31 * DAY);
    // Past the default 3 days of raw messages (the battery history lives on in the aggregates).
    message('st-b', 1001, now - 4 * DAY);
    ack('st-b', 1001);

    const r = await new Retention(db, clock, quiet, { chunkRows: 100 }).runOnce();
    expect(r.messages).toBe(1006);
    const left = db.db.prepare("SELECT station_id || ':' || seq FROM messages ORDER BY station_id, seq").pluck().all();
    expect(left).toEqual(['st-a:6', 'st-a:7', 'st-a:8', 'st-a:10', 'st-a:11']);
    // The counters the API and the ack use are untouched.
    expect(db.getStation('st-b')).toMatchObject({ ackSeq: 1001 });

    clock.advance(400 * DAY);
    ack('st-a', 11);
    expect((await new Retention(db, clock, quiet).runOnce()).messages).toBe(5);
  });

  it('folds each new sample once into its minute and quarter, and prunes samples, minutes and quarters by age', async () => {
    const now = clock.now();
    db.upsertBattery('bat-1', 'st-a', 1, now, 1, '{}', 25);
    const minute = Math.floor((now - 10 * DAY) / 60_000) * 60_000;
    sample(minute + 5_000, { voltageV: 49, socPct: 40 });
    sample(minute + 10_000, { voltageV: 51, socPct: 42, tempMaxC: 31 });
    sample(minute + 10_000, { voltageV: 99 }); // a duplicate (same battery and ts) is not folded again
    sample(minute + 15_000, { voltageV: 50, socPct: 44 });
    sample(now - 2 * DAY);
    sample(now - 40 * DAY);
    sample(now - 400 * DAY);
    const m = db.db
      .prepare(
        'SELECT n, voltage_sum / n AS avg, voltage_min AS vmin, voltage_max AS vmax, soc_max AS socMax, temp_max_c AS tmax FROM battery_minutes WHERE bucket = ?',
      )
      .get(minute);
    expect(m).toEqual({ n: 3, avg: 50, vmin: 49, vmax: 51, socMax: 44, tmax: 31 });
    expect(count('SELECT count(*) FROM battery_quarters')).toBe(4);

    const r = await new Retention(db, clock, quiet).runOnce();
    expect(r).toEqual({ messages: 0, samples: 5, minutes: 2, quarters: 1 });
    expect(count('SELECT count(*) FROM battery_samples')).toBe(1); // the 2-day-old one
    expect(db.db.prepare('SELECT bucket FROM battery_minutes ORDER BY bucket').pluck().all()).toEqual([
      minute,
      Math.floor((now - 2 * DAY) / 60_000) * 60_000,
    ]);
    expect(count('SELECT count(*) FROM battery_quarters')).toBe(3);
  });

  it('runs on its interval by the injected clock, and stops', async () => {
    const now = clock.now();
    message('st-a', 1, now - 31 * DAY);
    ack('st-a', 1);
    const retention = new Retention(db, clock, quiet, { intervalMs: 60_000 });
    retention.start();
    clock.advance(59_000);
    await new Promise((r) => setImmediate(r));
    expect(count('SELECT count(*) FROM messages')).toBe(1);
    clock.advance(1_000);
    await waitFor(() => count('SELECT count(*) FROM messages') === 0, {
      what: 'the scheduled pass to delete the old message',
    });
    message('st-a', 2, clock.now() - 31 * DAY);
    ack('st-a', 2);
    await retention.stop();
    clock.advance(600_000);
    await new Promise((r) => setImmediate(r));
    expect(count('SELECT count(*) FROM messages')).toBe(1);
  });
});
