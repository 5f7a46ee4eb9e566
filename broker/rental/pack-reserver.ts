// Tells a booking's station to reserve its packs (`add-booking`: the planner picks and charges them, the screen says
// which to take) or to drop them (`remove-booking`). A booking whose station did not answer stays `pending` and is
// sent again each round while the station is online, until its pick-up has passed.

import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { CommandRelay } from '../commands/command-relay.ts';
import type { RentalStore } from './rental-store.ts';

export interface ReserverDeps {
  db: Database;
  store: RentalStore;
  relay: Pick<CommandRelay, 'send'>;
  clock: Clock;
  log: Logger;
  onlineStations: () => string[];
  /** Called after a reservation state changed (the view and caches reload). */
  changed: () => void;
  intervalMs: number;
}

interface Pending {
  id: string;
  stationId: string;
  pickupAt: number;
  packs: number;
  minSocPct: number;
  deskUser: string;
}

export class PackReserver {
  private repeater: Repeater | null = null;

  constructor(private readonly deps: ReserverDeps) {}

  /** Sends `add-booking` for one booking and records the station's answer; a silent station leaves it pending. */
  async reserve(b: Pending): Promise<void> {
    const { relay, store, log } = this.deps;
    const args = { id: b.id, at: b.pickupAt, packs: b.packs, minSocPct: b.minSocPct };
    try {
      const outcome = await relay.send(b.stationId, 'add-booking', { args }, b.deskUser);
      if (!outcome.answered) return;
      if (outcome.result.ok) store.setReservation(b.id, 'reserved', null);
      else store.setReservation(b.id, 'refused', outcome.result.error ?? 'refused by the station');
      this.deps.changed();
    } catch (err) {
      log.warn({ booking: b.id, err: err instanceof Error ? err.message : String(err) }, 'add-booking not sent');
    }
  }

  /** Sends `remove-booking` (a cancelled booking); the station's answer is recorded, a silence only logged. */
  async release(id: string, stationId: string, by: string): Promise<void> {
    try {
      const outcome = await this.deps.relay.send(stationId, 'remove-booking', { args: { id } }, by);
      if (outcome.answered) {
        this.deps.store.setReservation(id, 'removed', outcome.result.ok ? null : (outcome.result.error ?? null));
        this.deps.changed();
      } else this.deps.log.warn({ booking: id, stationId }, 'station did not answer remove-booking');
    } catch (err) {
      this.deps.log.warn({ booking: id, err: err instanceof Error ? err.message : String(err) }, 'remove not sent');
    }
  }

  /** One round: every booked, still pending booking whose station is online and whose pick-up lies ahead. */
  async check(): Promise<void> {
    const rows = this.deps.db
      .prepare(
        `SELECT id, station_id AS stationId, pickup_at AS pickupAt, packs, min_soc_pct AS minSocPct, desk_user AS deskUser
         FROM rental_bookings WHERE state = 'booked' AND reservation = 'pending' AND pickup_at > ?`,
      )
      .all(this.deps.clock.now()) as Pending[];
    if (rows.length === 0) return;
    const online = new Set(this.deps.onlineStations());
    await Promise.all(rows.filter((r) => online.has(r.stationId)).map((r) => this.reserve(r)));
  }

  start(): void {
    this.repeater ??= repeatEvery(
      this.deps.clock,
      this.deps.intervalMs,
      () => this.check(),
      (err) =>
        this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'reservation round failed'),
    );
  }

  async stop(): Promise<void> {
    await this.repeater?.stop();
    this.repeater = null;
  }
}
