// The rental desk's read side: bookings as the API shows them (with what went out and came back, the packs the
// station saw leave, notices), the desk's pick lists (items, locations, timeframes, restrictions) and problem reports.

import type { Database } from 'better-sqlite3';
import type {
  BookingView,
  Problem,
  RentalItem,
  RentalOverview,
  Restriction,
  Timeframe,
} from '../../contract/rental-api.ts';
import type { RentalFacts } from './rental-facts.ts';
import type { RentalReadView } from './rental-view.ts';

interface Row {
  id: string;
  rickshawId: string;
  stationId: string;
  pickupAt: number;
  returnAt: number;
  packs: number;
  minSocPct: number;
  contact: string;
  note: string;
  deskUser: string;
  state: BookingView['state'];
  createdAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  reservation: BookingView['reservation']['state'];
  reservationError: string | null;
  reservedDocks: string;
  outAt: number | null;
  outBy: string | null;
  odometerOutKm: number | null;
  backAt: number | null;
  backBy: string | null;
  odometerBackKm: number | null;
  problemId: number | null;
}

const COLS = `id, rickshaw_id AS rickshawId, station_id AS stationId, pickup_at AS pickupAt, return_at AS returnAt, packs,
  min_soc_pct AS minSocPct, contact, note, desk_user AS deskUser, state, created_at AS createdAt,
  cancelled_at AS cancelledAt, cancel_reason AS cancelReason, reservation, reservation_error AS reservationError,
  reserved_docks AS reservedDocks, out_at AS outAt, out_by AS outBy, odometer_out_km AS odometerOutKm,
  back_at AS backAt, back_by AS backBy, odometer_back_km AS odometerBackKm, problem_id AS problemId`;

const PROBLEM_COLS = `id, booking_id AS bookingId, item_id AS itemId, text, reported_by AS reportedBy,
  reported_at AS reportedAt, closed_at AS closedAt, closed_by AS closedBy, close_note AS closeNote`;

export class RentalRead {
  constructor(
    private readonly db: Database,
    private readonly facts: RentalFacts,
    private readonly view: RentalReadView,
  ) {}

  /** Bookings overlapping [from, to), optionally of one station, by pick-up time. */
  bookings(from: number, to: number, stationId?: string): BookingView[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLS} FROM rental_bookings WHERE pickup_at < ? AND (return_at > ? OR state = 'out')
         AND (? IS NULL OR station_id = ?) ORDER BY pickup_at, id LIMIT 1000`,
      )
      .all(to, from, stationId ?? null, stationId ?? null) as Row[];
    return rows.map((r) => this.toView(r));
  }

  booking(id: string): BookingView | null {
    const r = this.db.prepare(`SELECT ${COLS} FROM rental_bookings WHERE id = ?`).get(id) as Row | undefined;
    return r ? this.toView(r) : null;
  }

  private toView(r: Row): BookingView {
    const packs = this.db
      .prepare(
        `SELECT pack_id AS packId, station_id AS stationId, dock, soc_out_pct AS socOutPct, soc_back_pct AS socBackPct,
         back_at AS backAt FROM rental_packs_out WHERE booking_id = ? ORDER BY pack_id`,
      )
      .all(r.id) as NonNullable<BookingView['checkout']>['packs'];
    const takes = this.db
      .prepare(
        'SELECT pack_id AS packId, station_id AS stationId, dock, at FROM rental_station_takes WHERE booking_id = ? ORDER BY at, dock',
      )
      .all(r.id) as BookingView['stationTakes'];
    const confirmed = this.db
      .prepare(
        `SELECT pack_id AS packId, station_id AS stationId, dock, soc_out_pct AS socOutPct, taken_at AS takenAt,
        confirmed_at AS confirmedAt, confirmed_by AS confirmedBy FROM rental_station_checkouts WHERE booking_id = ?
        ORDER BY taken_at, dock`,
      )
      .all(r.id) as BookingView['stationCheckouts'];
    const notices = this.db
      .prepare(
        `SELECT text FROM rental_restrictions WHERE item_id = ? AND kind = 'notice' AND lifted_at IS NULL
         AND from_ts < ? AND coalesce(to_ts, 9e15) > ? ORDER BY from_ts`,
      )
      .pluck()
      .all(r.rickshawId, r.returnAt, r.pickupAt) as string[];
    return {
      id: r.id,
      rickshawId: r.rickshawId,
      rickshawName: this.facts.rickshaw(r.rickshawId)?.name ?? null,
      stationId: r.stationId,
      pickupAt: r.pickupAt,
      returnAt: r.returnAt,
      packs: r.packs,
      minSocPct: r.minSocPct,
      contact: r.contact,
      note: r.note,
      deskUser: r.deskUser,
      state: r.state,
      createdAt: r.createdAt,
      cancelled: r.cancelledAt !== null ? { at: r.cancelledAt, reason: r.cancelReason ?? '' } : null,
      reservation: {
        state: r.reservation,
        error: r.reservationError,
        docks: JSON.parse(r.reservedDocks) as number[],
      },
      checkout: r.outAt !== null ? { at: r.outAt, by: r.outBy ?? '', odometerKm: r.odometerOutKm, packs } : null,
      return:
        r.backAt !== null
          ? { at: r.backAt, by: r.backBy ?? '', odometerKm: r.odometerBackKm, problemId: r.problemId }
          : null,
      stationTakes: takes,
      stationCheckouts: confirmed,
      notices,
    };
  }

  timeframes(): Timeframe[] {
    return this.db
      .prepare(
        `SELECT id, item_id AS itemId, station_id AS stationId, from_ts AS "from", to_ts AS "to", by_user AS by
         FROM rental_timeframes ORDER BY item_id, from_ts`,
      )
      .all() as Timeframe[];
  }

  restrictions(now: number): Restriction[] {
    const rows = this.db
      .prepare(
        `SELECT id, item_id AS itemId, kind, from_ts AS "from", to_ts AS "to", text, by_user AS by,
         created_at AS createdAt, lifted_at AS liftedAt FROM rental_restrictions
         WHERE lifted_at IS NULL AND coalesce(to_ts, 9e15) > ? ORDER BY from_ts`,
      )
      .all(now) as Array<Omit<Restriction, 'concerns'>>;
    return rows.map((r) => this.withConcerns(r));
  }

  restriction(id: number): Restriction | null {
    const r = this.db
      .prepare(
        `SELECT id, item_id AS itemId, kind, from_ts AS "from", to_ts AS "to", text, by_user AS by,
         created_at AS createdAt, lifted_at AS liftedAt FROM rental_restrictions WHERE id = ?`,
      )
      .get(id) as Omit<Restriction, 'concerns'> | undefined;
    return r ? this.withConcerns(r) : null;
  }

  private withConcerns(r: Omit<Restriction, 'concerns'>): Restriction {
    const concerns = this.db
      .prepare(
        'SELECT booking_id AS bookingId, contact, desk_user AS deskUser FROM rental_concerns WHERE restriction_id = ? ORDER BY booking_id',
      )
      .all(r.id) as Restriction['concerns'];
    return { ...r, concerns };
  }

  problems(open: boolean): Problem[] {
    return this.db
      .prepare(
        `SELECT ${PROBLEM_COLS} FROM rental_problems WHERE (? = 0 OR closed_at IS NULL) ORDER BY reported_at DESC LIMIT 500`,
      )
      .all(open ? 1 : 0) as Problem[];
  }

  problem(id: number): Problem | null {
    return (this.db.prepare(`SELECT ${PROBLEM_COLS} FROM rental_problems WHERE id = ?`).get(id) as Problem) ?? null;
  }

  overview(now: number, online: ReadonlySet<string>): RentalOverview {
    const items: RentalItem[] = [
      ...this.facts.rickshaws().map((r) => ({
        id: r.id,
        kind: 'rickshaw' as const,
        name: r.name,
        stationId: r.stationId,
        dock: null,
        odometerKm: r.odometerKm,
        socPct: null,
        checkedOut: this.view.isCheckedOut(r.id),
        disabled: this.view.isDisabled(r.id, now),
      })),
      ...this.facts.packs().map((p) => ({
        id: p.packId,
        kind: 'pack' as const,
        name: null,
        stationId: p.stationId,
        dock: p.dock,
        odometerKm: null,
        socPct: p.socPct,
        checkedOut: this.view.isPackOut(p.packId),
        disabled: this.view.isDisabled(p.packId, now) || p.doNotDispatch,
      })),
    ];
    return {
      items,
      locations: this.facts.stations().map((stationId) => ({ stationId, online: online.has(stationId) })),
      timeframes: this.timeframes(),
      restrictions: this.restrictions(now),
    };
  }
}
