// The rental desk's operations as the routes call them: the store's write (one transaction), then the view reloaded,
// then what must go to a station (reserve or drop packs) after the commit, never inside it.

import type {
  BookingBody,
  BookingView,
  Problem,
  RentalOverview,
  Restriction,
  RestrictionBody,
  Timeframe,
  TimeframeBody,
} from '../../contract/rental-api.ts';
import type { Logger } from 'pino';
import type { PackReserver } from './pack-reserver.ts';
import type { RentalRead } from './rental-read.ts';
import type { RentalStore } from './rental-store.ts';
import type { RentalView } from './rental-view.ts';

export class RentalDesk {
  constructor(
    private readonly deps: {
      store: RentalStore;
      read: RentalRead;
      view: RentalView;
      reserver: PackReserver;
      now: () => number;
      log: Logger;
      /** The stations online now (one read of the station list per call). */
      onlineStations: () => string[];
    },
  ) {}

  get read(): RentalRead {
    return this.deps.read;
  }

  private must(id: string): BookingView {
    const b = this.deps.read.booking(id);
    if (!b) throw new Error(`booking ${id} vanished`);
    return b;
  }

  /** Stores the booking, then asks its station to reserve the packs and answers with the outcome. */
  async book(body: BookingBody, user: string): Promise<BookingView> {
    const id = this.deps.store.createBooking(body, user, this.deps.now());
    this.deps.view.reload();
    const b = this.must(id);
    this.deps.log.info({ booking: id, rickshaw: b.rickshawId, stationId: b.stationId, by: user }, 'booked');
    if (b.packs > 0 && this.deps.onlineStations().includes(b.stationId))
      await this.deps.reserver.reserve({ ...b, deskUser: user });
    return this.must(id);
  }

  async cancel(id: string, reason: string, user: string): Promise<BookingView> {
    const b = this.deps.store.cancel(id, reason, this.deps.now());
    this.deps.view.reload();
    this.deps.log.info({ booking: id, by: user }, 'booking cancelled');
    await this.deps.reserver.release(id, b.stationId, user);
    return this.must(id);
  }

  checkout(id: string, packIds: readonly string[], user: string): BookingView {
    this.deps.store.checkout(id, packIds, user, this.deps.now());
    this.deps.view.reload();
    this.deps.log.info({ booking: id, packs: packIds, by: user }, 'checked out');
    return this.must(id);
  }

  giveBack(id: string, problem: string, user: string): BookingView {
    const problemId = this.deps.store.giveBack(id, problem, user, this.deps.now());
    this.deps.view.reload();
    this.deps.log.info({ booking: id, problemId, by: user }, 'returned');
    return this.must(id);
  }

  addTimeframe(t: TimeframeBody, user: string): Timeframe {
    const id = this.deps.store.addTimeframe(t, user, this.deps.now());
    const tf = this.deps.read.timeframes().find((x) => x.id === id);
    if (!tf) throw new Error(`timeframe ${id} vanished`);
    return tf;
  }

  /** A breakdown cancels the overlapping bookings; their stations are told to drop the packs after the commit. */
  async restrict(r: RestrictionBody, user: string): Promise<Restriction> {
    const { id, cancelled } = this.deps.store.addRestriction(r, user, this.deps.now());
    this.deps.view.reload();
    this.deps.log.info(
      { restriction: id, item: r.itemId, kind: r.kind, cancelled: cancelled.map((b) => b.id) },
      'restricted',
    );
    await Promise.all(cancelled.map((b) => this.deps.reserver.release(b.id, b.stationId, user)));
    return this.mustRestriction(id);
  }

  lift(id: number): Restriction {
    this.deps.store.liftRestriction(id, this.deps.now());
    this.deps.view.reload();
    return this.mustRestriction(id);
  }

  private mustRestriction(id: number): Restriction {
    const r = this.deps.read.restriction(id);
    if (!r) throw new Error(`restriction ${id} vanished`);
    return r;
  }

  closeProblem(id: number, note: string, user: string): Problem {
    this.deps.store.closeProblem(id, note, user, this.deps.now());
    const p = this.deps.read.problem(id);
    if (!p) throw new Error(`problem ${id} vanished`);
    return p;
  }

  overview(): RentalOverview {
    return this.deps.read.overview(this.deps.now(), new Set(this.deps.onlineStations()));
  }
}
