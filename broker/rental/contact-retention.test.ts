// Booking contacts on a manual clock and a real central store file: kept while the booking is open and for the
// retention period after it ended; then blanked (from the tables and from the file's bytes, WAL included) while the
// bookings themselves stay, so the counts per rickshaw and day do not change.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { CentralDb } from '../store/central-db.ts';
import { ContactRetention, rentalConfigSchema } from './contact-retention.ts';

const DAY = 86_400_000;
const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0);
const R = 'aaaaaaaaaaaaaaaaaaaaaaaa';
let dir = '';
let db: CentralDb | null = null;

afterEach(() => {
  db?.close();
  db = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every byte the store keeps on disk, as text: the database file and its write-ahead log. */
function onDisk(): string {
  return ['central.sqlite', 'central.sqlite-wal']
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
}

function book(id: string, contact: string, pickup: number, note = ''): void {
  db?.db
    .prepare(
      `INSERT INTO rental_bookings (id, rickshaw_id, station_id, pickup_at, return_at, packs, min_soc_pct,
      contact, note, desk_user, state, created_at) VALUES (?, ?, 'st-1', ?, ?, 1, 80, ?, ?, 'desk', 'booked', ?)`,
    )
    .run(id, R, pickup, pickup + 2 * H, contact, note, T0);
}

const contacts = () =>
  Object.fromEntries(
    (
      db?.db.prepare('SELECT id, contact FROM rental_bookings ORDER BY id').all() as Array<{
        id: string;
        contact: string;
      }>
    ).map((r) => [r.id, r.contact]),
  );

describe('booking contact retention', () => {
  it('blanks contact and note the retention period after the booking ended, keeping the bookings', () => {
    dir = mkdtempSync(join(tmpdir(), 'rikscha-rental-'));
    db = new CentralDb(dir);
    const clock = new ManualClock(T0);
    const job = new ContactRetention(
      db.db,
      clock,
      pino({ level: 'silent' }),
      rentalConfigSchema.parse({ contactRetentionDays: 7, contactPurgeIntervalMs: H }),
    );
    book('B-RETRN', 'Zaphira', T0 + H, 'Rollstuhl, ruft an: Quentolin');
    book('B-CANCL', 'Ilvarea', T0 + 2 * H);
    book('B-NOSHW', 'Morwenna', T0 + 3 * H);
    book('B-STILL', 'Tybaltine', T0 + 4 * H);
    const run = db.db.prepare('UPDATE rental_bookings SET state = ?, out_at = ?, back_at = ? WHERE id = ?');
    run.run('returned', T0 + H, T0 + 3 * H, 'B-RETRN');
    run.run('out', T0 + 4 * H, null, 'B-STILL');
    db.db
      .prepare("UPDATE rental_bookings SET state = 'cancelled', cancelled_at = ?, cancel_reason = 'x' WHERE id = ?")
      .run(T0 + 2 * DAY, 'B-CANCL');
    db.db
      .prepare(
        `INSERT INTO rental_restrictions (id, item_id, kind, from_ts, to_ts, text, by_user, created_at)
        VALUES (1, ?, 'breakdown', ?, NULL, 'Rahmen', 'desk', ?)`,
      )
      .run(R, T0, T0);
    db.db
      .prepare("INSERT INTO rental_concerns (restriction_id, booking_id, contact, desk_user) VALUES (1, ?, ?, 'desk')")
      .run('B-CANCL', 'Ilvarea');
    db.db.pragma('wal_checkpoint(TRUNCATE)');
    job.start();
    expect(onDisk()).toContain('Zaphira');

    // Seven days after the first return (T0 + 3 h), less an hour: every contact is still there.
    clock.advance(7 * DAY + 2 * H - H);
    expect(Object.values(contacts())).toEqual(['Ilvarea', 'Morwenna', 'Zaphira', 'Tybaltine']);

    // The next runs: the returned booking (ended T0+3h), then the one never picked up (its return, T0+5h).
    clock.advance(3 * H);
    expect(contacts()).toEqual({ 'B-CANCL': 'Ilvarea', 'B-NOSHW': 'Morwenna', 'B-RETRN': '', 'B-STILL': 'Tybaltine' });
    clock.advance(2 * H);
    expect(contacts()).toEqual({ 'B-CANCL': 'Ilvarea', 'B-NOSHW': '', 'B-RETRN': '', 'B-STILL': 'Tybaltine' });
    expect(db.db.prepare("SELECT note FROM rental_bookings WHERE id = 'B-RETRN'").pluck().get()).toBe('');

    // The cancelled one (cancelled at T0 + 2 days) two days later, its concern too; the ride still out stays.
    clock.advance(2 * DAY);
    expect(contacts()).toEqual({ 'B-CANCL': '', 'B-NOSHW': '', 'B-RETRN': '', 'B-STILL': 'Tybaltine' });
    expect(db.db.prepare('SELECT contact FROM rental_concerns').pluck().all()).toEqual(['']);
    // Counts stay: every booking is still there with its rickshaw, station and times.
    expect(db.db.prepare('SELECT count(*) FROM rental_bookings WHERE rickshaw_id = ?').pluck().get(R)).toBe(4);

    // Not in the file's free space nor in its log.
    const bytes = onDisk();
    for (const gone of ['Zaphira', 'Quentolin', 'Ilvarea', 'Morwenna']) expect(bytes).not.toContain(gone);
    expect(bytes).toContain('Tybaltine');
    job.stop();
  });
});
