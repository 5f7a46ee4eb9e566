// Records the check-outs stations confirm: each stored `booking-pack-out` event (a pack that left a dock reserved for
// the booking, confirmed on the station's buttons or by its readings) becomes that pack's check-out for the booking,
// with the time, dock and SoC the station read, in one transaction. An event naming an unknown or closed booking, a
// booking of another station or a pack out with another booking is refused: counted by outcome and logged.

import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { StationEvent } from '../../contract/messages.ts';
import { PACK_OUT_EVENT, readPackOutEvent, type PackOutData } from '../../contract/station-checkout.ts';
import type { RentalFacts } from './rental-facts.ts';

export const CHECKOUT_OUTCOMES = [
  'recorded',
  'duplicate',
  'unknown-booking',
  'other-station',
  'closed-booking',
  'pack-out',
  'invalid',
] as const;
export type CheckoutOutcome = (typeof CHECKOUT_OUTCOMES)[number];

/** Events read per round: a long backlog is caught up over several rounds. */
const ROWS_PER_ROUND = 2000;
const CURSOR = 'station-checkouts';

export class StationCheckouts {
  /** Outcomes since start, by kind (the metric counts the same). */
  readonly outcomes = new Map<CheckoutOutcome, number>();
  private readonly q: Record<
    'cursor' | 'setCursor' | 'maxRowid' | 'rows' | 'booking' | 'packOut' | 'insert' | 'packsOut' | 'goOut',
    Statement
  >;
  private repeater: Repeater | null = null;

  constructor(
    private readonly deps: {
      db: Database;
      facts: RentalFacts;
      clock: Clock;
      log: Logger;
      intervalMs: number;
      changed: () => void;
      count?: (outcome: CheckoutOutcome) => void;
    },
  ) {
    const db = deps.db;
    this.q = {
      cursor: db.prepare('SELECT pos FROM rental_cursor WHERE name = ?').pluck(),
      setCursor: db.prepare(
        'INSERT INTO rental_cursor (name, pos) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET pos = excluded.pos',
      ),
      maxRowid: db.prepare('SELECT coalesce(max(rowid), 0) FROM messages').pluck(),
      // The type's quoted name is a cheap filter; the contract schema decides on what passes it.
      rows: db.prepare(`SELECT rowid AS pos, station_id AS stationId, seq, payload FROM messages WHERE rowid > ?
        AND kind = 'event' AND instr(payload, '"${PACK_OUT_EVENT}"') > 0 ORDER BY rowid LIMIT ${ROWS_PER_ROUND}`),
      booking: db.prepare(
        'SELECT station_id AS stationId, state, rickshaw_id AS rickshawId FROM rental_bookings WHERE id = ?',
      ),
      packOut: db
        .prepare('SELECT booking_id FROM rental_packs_out WHERE pack_id = ? AND back_at IS NULL AND booking_id != ?')
        .pluck(),
      insert: db.prepare(`INSERT OR IGNORE INTO rental_station_checkouts (booking_id, pack_id, station_id, dock,
        soc_out_pct, taken_at, confirmed_at, confirmed_by, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      packsOut: db.prepare(`INSERT OR IGNORE INTO rental_packs_out (booking_id, pack_id, station_id, dock, soc_out_pct)
        VALUES (?, ?, ?, ?, ?)`),
      goOut: db.prepare(`UPDATE rental_bookings SET state = 'out', out_at = ?, out_by = ?, odometer_out_km = ?
        WHERE id = ? AND state = 'booked'`),
    };
    // A new store starts reading at its end: events from before this reader existed were never check-outs.
    if (this.q.cursor.get(CURSOR) === undefined) this.q.setCursor.run(CURSOR, this.q.maxRowid.get());
  }

  /** Reads the events stored since the last round; one transaction per event. Returns check-outs recorded. */
  check(): number {
    let recorded = 0;
    for (;;) {
      const from = this.q.cursor.get(CURSOR) as number;
      const rows = this.q.rows.all(from) as Array<{ pos: number; stationId: string; seq: number; payload: string }>;
      for (const row of rows) {
        const outcome = this.deps.db
          .transaction(() => {
            const o = this.one(row.stationId, row.seq, row.payload);
            this.q.setCursor.run(CURSOR, row.pos);
            return o;
          })
          .immediate();
        if (outcome === null) continue;
        this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
        this.deps.count?.(outcome);
        if (outcome === 'recorded') recorded++;
      }
      if (rows.length < ROWS_PER_ROUND) break;
    }
    if (recorded > 0) this.deps.changed();
    return recorded;
  }

  /** One stored event: what became of it, or null when it is not a check-out (the name only in its text). */
  private one(stationId: string, seq: number, payload: string): CheckoutOutcome | null {
    const ev = JSON.parse(payload) as StationEvent;
    const read = readPackOutEvent(ev);
    if (read === null) return null;
    if (!read.ok) return this.refuse('invalid', stationId, seq, read.error);
    const d: PackOutData = read.data;
    const b = this.q.booking.get(d.bookingId) as { stationId: string; state: string; rickshawId: string } | undefined;
    if (!b) return this.refuse('unknown-booking', stationId, seq, `no booking ${d.bookingId}`);
    if (b.stationId !== stationId)
      return this.refuse('other-station', stationId, seq, `booking ${d.bookingId} is at ${b.stationId}`);
    if (b.state !== 'booked' && b.state !== 'out')
      return this.refuse('closed-booking', stationId, seq, `booking ${d.bookingId} is ${b.state}`);
    const other = this.q.packOut.get(d.packId, d.bookingId) as string | undefined;
    if (other) return this.refuse('pack-out', stationId, seq, `pack ${d.packId} is out with booking ${other}`);
    const r = this.q.insert.run(
      d.bookingId,
      d.packId,
      stationId,
      d.dock,
      d.socPct,
      d.takenAt,
      ev.ts,
      d.confirmedBy,
      seq,
    );
    if (r.changes === 0) return 'duplicate';
    this.q.packsOut.run(d.bookingId, d.packId, stationId, d.dock, d.socPct);
    // The first pack confirmed at the station starts the ride, as a check-out at the desk would.
    const odometer = this.deps.facts.rickshaw(b.rickshawId)?.odometerKm ?? null;
    this.q.goOut.run(d.takenAt, `station ${stationId}`, odometer, d.bookingId);
    this.deps.log.info(
      { booking: d.bookingId, stationId, dock: d.dock, pack: d.packId, by: d.confirmedBy },
      'pack check-out confirmed at the station',
    );
    return 'recorded';
  }

  private refuse(outcome: CheckoutOutcome, stationId: string, seq: number, why: string): CheckoutOutcome {
    this.deps.log.warn({ stationId, seq, outcome, why }, 'station check-out refused');
    return outcome;
  }

  start(): void {
    this.repeater ??= repeatEvery(
      this.deps.clock,
      this.deps.intervalMs,
      () => this.check(),
      (err) =>
        this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'station check-outs failed'),
    );
  }

  stop(): void {
    void this.repeater?.stop();
    this.repeater = null;
  }
}
