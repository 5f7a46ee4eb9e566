// A small read interface on the rental state, held in memory for readers that must not touch SQLite per request
// (the public GBFS feed): which rickshaws are out, reserved or disabled. Reloaded after every committed desk write.

import type { Database, Statement } from 'better-sqlite3';

export interface RentalReadView {
  /** The rickshaw is checked out (on a ride). */
  isCheckedOut(rickshawId: string): boolean;
  /** A booking holds the rickshaw at `now`: its pick-up is within the lead time, or it is under way but not out yet. */
  isReserved(rickshawId: string, now: number): boolean;
  /** A breakdown restriction covers `now` for this item (rickshaw hw id or pack id). */
  isDisabled(itemId: string, now: number): boolean;
  /** The pack is out with a booking. */
  isPackOut(packId: string): boolean;
  /** Grows by one at each change, so a cache built from the view knows when to rebuild. */
  readonly version: number;
}

interface Span {
  from: number;
  to: number;
}

/** How long before its pick-up a booked rickshaw counts as reserved (ms). */
export const RESERVED_LEAD_MS = 30 * 60_000;

export class RentalView implements RentalReadView {
  private out = new Set<string>();
  private packsOut = new Set<string>();
  private booked = new Map<string, Span[]>();
  private breakdowns = new Map<string, Span[]>();
  private readonly q: { out: Statement; packs: Statement; booked: Statement; breakdowns: Statement };
  version = 0;

  constructor(
    db: Database,
    private readonly leadMs = RESERVED_LEAD_MS,
  ) {
    this.q = {
      out: db.prepare("SELECT rickshaw_id FROM rental_bookings WHERE state = 'out'").pluck(),
      packs: db.prepare('SELECT pack_id FROM rental_packs_out WHERE back_at IS NULL').pluck(),
      booked: db.prepare(
        'SELECT rickshaw_id AS id, pickup_at AS "from", return_at AS "to" FROM rental_bookings WHERE state = \'booked\'',
      ),
      breakdowns: db.prepare(`SELECT item_id AS id, from_ts AS "from", coalesce(to_ts, 9e15) AS "to"
        FROM rental_restrictions WHERE kind = 'breakdown' AND lifted_at IS NULL`),
    };
    this.reload();
  }

  /** Reads the state again (a handful of rows: open bookings and restrictions only). */
  reload(): void {
    const spans = (st: Statement): Map<string, Span[]> => {
      const m = new Map<string, Span[]>();
      for (const r of st.all() as Array<Span & { id: string }>) {
        const list = m.get(r.id) ?? [];
        list.push({ from: r.from, to: r.to });
        m.set(r.id, list);
      }
      return m;
    };
    this.out = new Set(this.q.out.all() as string[]);
    this.packsOut = new Set(this.q.packs.all() as string[]);
    this.booked = spans(this.q.booked);
    this.breakdowns = spans(this.q.breakdowns);
    this.version++;
  }

  isCheckedOut(rickshawId: string): boolean {
    return this.out.has(rickshawId);
  }

  isReserved(rickshawId: string, now: number): boolean {
    return (this.booked.get(rickshawId) ?? []).some((s) => s.from - this.leadMs <= now && now < s.to);
  }

  isDisabled(itemId: string, now: number): boolean {
    return (this.breakdowns.get(itemId) ?? []).some((s) => s.from <= now && now < s.to);
  }

  isPackOut(packId: string): boolean {
    return this.packsOut.has(packId);
  }
}
