// The rental desk's writes: bookings, check-out, return, timeframes, restrictions and problem reports. Each is one
// IMMEDIATE transaction that checks first and writes after, so a refused request leaves nothing behind.

import { randomInt } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { BookingBody, RefusalCode, RestrictionBody, TimeframeBody } from '../../contract/rental-api.ts';
import { bookingBodySchema } from '../../contract/rental-api.ts';
import type { RentalFacts } from './rental-facts.ts';

/** A request the desk must be told no to, with a code and words it can show. */
export class RentalRefusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (status: 400 | 404 | 409, code: RefusalCode, message: string): never => {
  throw new RentalRefusal(status, code, message);
};

export interface RentalLimits {
  /** A pick-up this far in the past still counts as now (the desk types slowly), ms. */
  pastGraceMs: number;
  /** Longest booking, ms. */
  maxBookingMs: number;
}
export const DEFAULT_LIMITS: RentalLimits = { pastGraceMs: 5 * 60_000, maxBookingMs: 7 * 86_400_000 };

/** Booking ids short enough for the station's 20-character screen; no 0/O or 1/I to misread. */
const ID_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newBookingId = (): string => `B-${Array.from({ length: 5 }, () => ID_CHARS[randomInt(32)]).join('')}`;

const FAR = 9e15;
const fmt = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

interface BookingRow {
  id: string;
  rickshawId: string;
  stationId: string;
  pickupAt: number;
  returnAt: number;
  state: string;
  contact: string;
  deskUser: string;
  outAt: number | null;
}
const BCOLS = `id, rickshaw_id AS rickshawId, station_id AS stationId, pickup_at AS pickupAt, return_at AS returnAt,
  state, contact, desk_user AS deskUser, out_at AS outAt`;

export class RentalStore {
  constructor(
    private readonly db: Database,
    private readonly facts: RentalFacts,
    private readonly limits: RentalLimits = DEFAULT_LIMITS,
  ) {}

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  booking(id: string): BookingRow | undefined {
    return this.db.prepare(`SELECT ${BCOLS} FROM rental_bookings WHERE id = ?`).get(id) as BookingRow | undefined;
  }

  private mustBooking(id: string): BookingRow {
    return this.booking(id) ?? refuse(404, 'unknown-booking', `no booking ${id}`);
  }

  /** A breakdown on the item overlapping [from, to), if any. */
  private breakdown(itemId: string, from: number, to: number): { text: string } | undefined {
    return this.db
      .prepare(
        `SELECT text FROM rental_restrictions WHERE item_id = ? AND kind = 'breakdown' AND lifted_at IS NULL
         AND from_ts < ? AND coalesce(to_ts, ${FAR}) > ? LIMIT 1`,
      )
      .get(itemId, to, from) as { text: string } | undefined;
  }

  /** Checks a booking against the rules and stores it; returns its id. */
  createBooking(input: BookingBody, deskUser: string, now: number): string {
    const b = bookingBodySchema.parse(input);
    return this.tx(() => {
      if (b.returnAt <= b.pickupAt) refuse(400, 'bad-times', 'the return must come after the pick-up');
      if (b.returnAt - b.pickupAt > this.limits.maxBookingMs)
        refuse(400, 'bad-times', `a booking may last at most ${this.limits.maxBookingMs / 86_400_000} days`);
      if (b.pickupAt < now - this.limits.pastGraceMs)
        refuse(400, 'in-past', `the pick-up time ${fmt(b.pickupAt)} UTC is in the past`);
      if (!this.facts.rickshaw(b.rickshawId)) refuse(404, 'unknown-rickshaw', `no rickshaw ${b.rickshawId}`);
      if (!this.facts.hasStation(b.stationId)) refuse(404, 'unknown-station', `no station ${b.stationId}`);
      const frame = this.db
        .prepare(
          `SELECT 1 FROM rental_timeframes WHERE item_id = ? AND station_id = ? AND from_ts <= ?
           AND coalesce(to_ts, ${FAR}) >= ? LIMIT 1`,
        )
        .get(b.rickshawId, b.stationId, b.pickupAt, b.returnAt);
      if (!frame) refuse(409, 'outside-timeframe', `the rickshaw is not bookable at ${b.stationId} for the whole ride`);
      const broken = this.breakdown(b.rickshawId, b.pickupAt, b.returnAt);
      if (broken) refuse(409, 'restricted', `the rickshaw is out of service: ${broken.text}`);
      // A ride still out past its expected return keeps the rickshaw until now.
      const clash = this.db
        .prepare(
          `SELECT id, pickup_at AS pickupAt, return_at AS returnAt FROM rental_bookings WHERE rickshaw_id = ?
           AND state IN ('booked', 'out') AND pickup_at < ?
           AND (CASE WHEN state = 'out' THEN max(return_at, ?) ELSE return_at END) > ? LIMIT 1`,
        )
        .get(b.rickshawId, b.returnAt, now, b.pickupAt) as
        { id: string; pickupAt: number; returnAt: number } | undefined;
      if (clash)
        refuse(
          409,
          'overlap',
          `the rickshaw is booked from ${fmt(clash.pickupAt)} to ${fmt(clash.returnAt)} UTC (booking ${clash.id})`,
        );
      const insert = this.db.prepare(`INSERT OR IGNORE INTO rental_bookings (id, rickshaw_id, station_id, pickup_at,
        return_at, packs, min_soc_pct, contact, note, desk_user, state, created_at, reservation)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)`);
      for (;;) {
        const id = newBookingId();
        const r = insert.run(
          id,
          b.rickshawId,
          b.stationId,
          b.pickupAt,
          b.returnAt,
          b.packs,
          b.minSocPct,
          b.contact,
          b.note,
          deskUser,
          now,
          b.packs === 0 ? 'reserved' : 'pending',
        );
        if (r.changes === 1) {
          this.db
            .prepare(
              `INSERT INTO rental_watch (booking_id, seq_base)
              SELECT ?, coalesce(highest_seq, 0) FROM stations WHERE station_id = ?`,
            )
            .run(id, b.stationId);
          return id;
        }
      }
    });
  }

  /** Cancels a booking not yet out. */
  cancel(id: string, reason: string, now: number): BookingRow {
    return this.tx(() => {
      const b = this.mustBooking(id);
      if (b.state !== 'booked') refuse(409, 'not-bookable-state', `booking ${id} is ${b.state}, not booked`);
      this.db
        .prepare("UPDATE rental_bookings SET state = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE id = ?")
        .run(now, reason, id);
      return b;
    });
  }

  /** The rickshaw and the packs go out now: odometer and each pack's SoC from the latest readings. */
  checkout(id: string, packIds: readonly string[], by: string, now: number): void {
    this.tx(() => {
      const b = this.mustBooking(id);
      if (b.state !== 'booked') refuse(409, 'not-bookable-state', `booking ${id} is ${b.state}, not booked`);
      const broken = this.breakdown(b.rickshawId, now, now + 1);
      if (broken) refuse(409, 'restricted', `the rickshaw is out of service: ${broken.text}`);
      if (new Set(packIds).size !== packIds.length) refuse(400, 'pack-out', 'a pack is named twice');
      const open = this.db
        .prepare('SELECT booking_id FROM rental_packs_out WHERE pack_id = ? AND back_at IS NULL LIMIT 1')
        .pluck();
      const facts = packIds.map((packId) => {
        const p = this.facts.pack(packId) ?? refuse(404, 'unknown-pack', `no pack ${packId} is known`);
        const with_ = open.get(packId) as string | undefined;
        if (with_) refuse(409, 'pack-out', `pack ${packId} is already out (booking ${with_})`);
        if (p.stationId !== b.stationId)
          refuse(409, 'pack-elsewhere', `pack ${packId} is at ${p.stationId}, not at ${b.stationId}`);
        if (p.dockState === 'fault')
          refuse(409, 'dock-fault', `dock ${p.dock} of ${p.stationId}, where pack ${packId} is, is in fault`);
        if (p.doNotDispatch) refuse(409, 'restricted', `pack ${packId} must not go out (retired or blocked)`);
        const pb = this.breakdown(packId, now, now + 1);
        if (pb) refuse(409, 'restricted', `pack ${packId} is out of service: ${pb.text}`);
        return p;
      });
      const odometer = this.facts.rickshaw(b.rickshawId)?.odometerKm ?? null;
      this.db
        .prepare("UPDATE rental_bookings SET state = 'out', out_at = ?, out_by = ?, odometer_out_km = ? WHERE id = ?")
        .run(now, by, odometer, id);
      const add = this.db.prepare(`INSERT INTO rental_packs_out (booking_id, pack_id, station_id, dock, soc_out_pct)
        VALUES (?, ?, ?, ?, ?)`);
      for (const p of facts) add.run(id, p.packId, p.stationId, p.dock, p.socPct);
    });
  }

  /** Everything of the booking comes back now; a problem text becomes an open task. Returns the problem's id. */
  giveBack(id: string, problem: string, by: string, now: number): number | null {
    return this.tx(() => {
      const b = this.mustBooking(id);
      if (b.state !== 'out') refuse(409, 'not-checked-out', `booking ${id} was never checked out (${b.state})`);
      const odometer = this.facts.rickshaw(b.rickshawId)?.odometerKm ?? null;
      const packs = this.db
        .prepare('SELECT pack_id FROM rental_packs_out WHERE booking_id = ? AND back_at IS NULL')
        .pluck()
        .all(id) as string[];
      const back = this.db.prepare(
        'UPDATE rental_packs_out SET back_at = ?, soc_back_pct = ? WHERE booking_id = ? AND pack_id = ?',
      );
      for (const packId of packs) {
        const p = this.facts.pack(packId);
        // Only a reading taken after it went out tells how it came back.
        back.run(now, p && p.ts > (b.outAt ?? 0) ? p.socPct : null, id, packId);
      }
      let problemId: number | null = null;
      if (problem !== '') {
        const r = this.db
          .prepare(
            'INSERT INTO rental_problems (booking_id, item_id, text, reported_by, reported_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(id, b.rickshawId, problem, by, now);
        problemId = Number(r.lastInsertRowid);
      }
      this.db
        .prepare(
          `UPDATE rental_bookings SET state = 'returned', back_at = ?, back_by = ?, odometer_back_km = ?,
          problem_id = ? WHERE id = ?`,
        )
        .run(now, by, odometer, problemId, id);
      return problemId;
    });
  }

  private itemKnown(itemId: string): boolean {
    return this.facts.rickshaw(itemId) !== undefined || this.facts.pack(itemId) !== undefined;
  }

  addTimeframe(t: TimeframeBody, by: string, now: number): number {
    return this.tx(() => {
      if (!this.itemKnown(t.itemId)) refuse(404, 'unknown-item', `no rickshaw or pack ${t.itemId}`);
      if (!this.facts.hasStation(t.stationId)) refuse(404, 'unknown-station', `no station ${t.stationId}`);
      if (t.to !== null && t.to <= t.from) refuse(400, 'bad-times', 'a timeframe must end after it starts');
      const r = this.db
        .prepare(
          'INSERT INTO rental_timeframes (item_id, station_id, from_ts, to_ts, by_user, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(t.itemId, t.stationId, t.from, t.to, by, now);
      return Number(r.lastInsertRowid);
    });
  }

  /**
   * Stores a restriction. A breakdown cancels the item's bookings that overlap it and are not out yet, and records
   * whom each concerns; returns those bookings (so their stations can drop the pack reservations).
   */
  addRestriction(r: RestrictionBody, by: string, now: number): { id: number; cancelled: BookingRow[] } {
    return this.tx(() => {
      if (!this.itemKnown(r.itemId)) refuse(404, 'unknown-item', `no rickshaw or pack ${r.itemId}`);
      if (r.to !== null && r.to <= r.from) refuse(400, 'bad-times', 'a restriction must end after it starts');
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO rental_restrictions (item_id, kind, from_ts, to_ts, text, by_user, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(r.itemId, r.kind, r.from, r.to, r.text, by, now).lastInsertRowid,
      );
      if (r.kind !== 'breakdown') return { id, cancelled: [] };
      const hit = this.db
        .prepare(
          `SELECT ${BCOLS} FROM rental_bookings WHERE rickshaw_id = ? AND state = 'booked' AND pickup_at < ? AND return_at > ?`,
        )
        .all(r.itemId, r.to ?? FAR, r.from) as BookingRow[];
      const cancel = this.db.prepare(
        "UPDATE rental_bookings SET state = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE id = ?",
      );
      const concern = this.db.prepare(
        'INSERT INTO rental_concerns (restriction_id, booking_id, contact, desk_user) VALUES (?, ?, ?, ?)',
      );
      for (const b of hit) {
        cancel.run(now, `breakdown: ${r.text}`, b.id);
        concern.run(id, b.id, b.contact, b.deskUser);
      }
      return { id, cancelled: hit };
    });
  }

  liftRestriction(id: number, now: number): void {
    const r = this.db
      .prepare('UPDATE rental_restrictions SET lifted_at = ? WHERE id = ? AND lifted_at IS NULL')
      .run(now, id);
    if (r.changes === 0) refuse(404, 'unknown-item', `no restriction ${id} in force`);
  }

  closeProblem(id: number, note: string, by: string, now: number): void {
    const r = this.db
      .prepare(
        'UPDATE rental_problems SET closed_at = ?, closed_by = ?, close_note = ? WHERE id = ? AND closed_at IS NULL',
      )
      .run(now, by, note, id);
    if (r.changes === 0) refuse(404, 'unknown-item', `no open problem report ${id}`);
  }

  setReservation(id: string, state: 'pending' | 'reserved' | 'refused' | 'removed', error: string | null): void {
    this.db
      .prepare('UPDATE rental_bookings SET reservation = ?, reservation_error = ? WHERE id = ?')
      .run(state, error, id);
  }
}
