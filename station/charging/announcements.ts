// Says early, and once per change, when a departure or a booking cannot be met within the budget (and which packs a
// booking should take), instead of repeating the same warning every tick.

import type { BookingStatus, PlanEntry } from './charge-planner.ts';
import type { ChargingEvent } from './charging-types.ts';

/** A projection must move this far from what was last said to be news: one wobbling by a percent is not. */
const NEWS_PCT = 5;
const clock = (at: number) => new Date(at).toISOString().slice(11, 16);

interface Said {
  key: string;
  socs: number[];
  at?: number;
  risk?: boolean;
}

/** News when the key changed, or any projected SoC moved NEWS_PCT from what was last announced. */
function isNews(last: Said | undefined, next: Said): boolean {
  if (!last || last.key !== next.key || last.socs.length !== next.socs.length) return true;
  return next.socs.some((x, i) => Math.abs(x - (last.socs[i] ?? x)) >= NEWS_PCT);
}

export class Announcer {
  private readonly departures = new Map<number, Said>();
  private readonly bookings = new Map<string, Said>();

  /** A dock whose departure is projected short of its target (or back on track). */
  departure(dock: number, batteryId: string | null, departureAt: number, e: PlanEntry): ChargingEvent | null {
    if (e.expectedSocPct === null) return null;
    const last = this.departures.get(dock);
    // The common case, every tick: nothing new. Checked without building anything.
    if (
      last &&
      last.at === departureAt &&
      last.risk === e.atRisk &&
      (!e.atRisk || Math.abs((last.socs[0] ?? 0) - e.expectedSocPct) < NEWS_PCT)
    )
      return null;
    const next: Said = {
      key: `${e.atRisk ? 'risk' : 'ok'}:${departureAt}`,
      socs: e.atRisk ? [e.expectedSocPct] : [],
      at: departureAt,
      risk: e.atRisk,
    };
    this.departures.set(dock, next);
    const data = { departureAt, expectedSocPct: e.expectedSocPct, targetSocPct: e.targetSocPct, batteryId };
    if (e.atRisk) {
      return {
        type: 'departure-at-risk',
        severity: 'warning',
        dock,
        message: `dock ${dock}: battery ${batteryId ?? '?'} will reach about ${e.expectedSocPct.toFixed(0)} % by its departure at ${clock(departureAt)} UTC, not ${e.targetSocPct} %`,
        data,
      };
    }
    // Silence for a departure that was never at risk; one all-clear for one that was.
    if (last === undefined || last.key.startsWith('ok:')) return null;
    return {
      type: 'departure-on-track',
      severity: 'info',
      dock,
      message: `dock ${dock}: departure at ${clock(departureAt)} UTC is on track again`,
      data,
    };
  }

  forgetDeparture(dock: number): void {
    this.departures.delete(dock);
  }

  /** Which packs a booking takes, and whether they will make it. */
  booking(s: BookingStatus): ChargingEvent | null {
    const b = s.booking;
    const next: Said = {
      key: `${s.docks.join(',')}|${s.missing}|${s.atRisk ? 'risk' : 'ok'}`,
      socs: s.atRisk ? s.expectedSocPct : [],
    };
    if (!isNews(this.bookings.get(b.id), next)) return null;
    this.bookings.set(b.id, next);
    const data = {
      bookingId: b.id,
      at: b.at,
      packs: b.packs,
      minSocPct: b.minSocPct,
      docks: s.docks,
      expectedSocPct: s.expectedSocPct,
      missing: s.missing,
    };
    const take = s.docks.length > 0 ? `take the packs in docks ${s.docks.join(', ')}` : 'no pack available';
    if (s.atRisk) {
      const short =
        s.missing > 0
          ? `${s.missing} pack(s) missing`
          : `expected ${s.expectedSocPct.map((x) => `${x.toFixed(0)} %`).join(', ')}`;
      return {
        type: 'booking-at-risk',
        severity: 'warning',
        message: `booking ${b.id} at ${clock(b.at)} UTC needs ${b.packs} x ${b.minSocPct} %: ${short}; ${take}`,
        data,
      };
    }
    return {
      type: 'booking-reserved',
      severity: 'info',
      message: `booking ${b.id} at ${clock(b.at)} UTC: ${take}`,
      data,
    };
  }

  /** Drops what is remembered of bookings no longer planned, so a re-added one is announced again. */
  keepBookings(planned: readonly BookingStatus[]): void {
    if (this.bookings.size === 0) return;
    const ids = new Set(planned.map((s) => s.booking.id));
    for (const id of this.bookings.keys()) if (!ids.has(id)) this.bookings.delete(id);
  }
}
