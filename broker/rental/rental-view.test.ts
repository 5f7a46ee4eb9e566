// The rental view the public feed reads: out, reserved (with its lead time) and disabled, after a reload.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RENTAL_SCHEMA_SQL } from './rental-schema.ts';
import { RentalView } from './rental-view.ts';

const R = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const H = 3_600_000;

function booking(db: Database.Database, id: string, state: string, pickup: number, ret: number): void {
  db.prepare(
    `INSERT INTO rental_bookings (id, rickshaw_id, station_id, pickup_at, return_at, packs, min_soc_pct,
    contact, desk_user, state, created_at) VALUES (?, ?, 'st-1', ?, ?, 1, 80, 'Ada', 'desk', ?, 0)`,
  ).run(id, R, pickup, ret, state);
}

describe('RentalView', () => {
  it('answers from memory and follows the store after reload()', () => {
    const db = new Database(':memory:');
    db.exec(RENTAL_SCHEMA_SQL);
    const view = new RentalView(db, 30 * 60_000);
    expect(view.isReserved(R, 10 * H)).toBe(false);
    booking(db, 'b1', 'booked', 10 * H, 12 * H);
    expect(view.isReserved(R, 10 * H)).toBe(false); // not reloaded yet
    const v = view.version;
    view.reload();
    expect(view.version).toBe(v + 1);
    expect(view.isReserved(R, 10 * H - 31 * 60_000)).toBe(false);
    expect(view.isReserved(R, 10 * H - 29 * 60_000)).toBe(true);
    expect(view.isReserved(R, 12 * H)).toBe(false);
    expect(view.isCheckedOut(R)).toBe(false);
    db.prepare("UPDATE rental_bookings SET state = 'out'").run();
    db.prepare("INSERT INTO rental_packs_out (booking_id, pack_id) VALUES ('b1', 'P1')").run();
    db.prepare(
      `INSERT INTO rental_restrictions (item_id, kind, from_ts, to_ts, text, by_user, created_at)
      VALUES (?, 'breakdown', ?, NULL, 'brake', 'desk', 0)`,
    ).run(R, 20 * H);
    view.reload();
    expect(view.isCheckedOut(R)).toBe(true);
    expect(view.isReserved(R, 11 * H)).toBe(false);
    expect(view.isPackOut('P1')).toBe(true);
    expect(view.isDisabled(R, 19 * H)).toBe(false);
    expect(view.isDisabled(R, 21 * H)).toBe(true);
  });
});
