// What the public feed needs to know of the rental desk: whether a rickshaw is out on a ride, reserved for one, or
// taken off the road. A small interface so the feed does not depend on how the desk stores its bookings.

import type { RentalReadView } from '../rental/rental-view.ts';

/** A rickshaw as the desk sees it now. `out`: checked out for a ride (it must not appear in the feed at all). */
export type RentalState = 'available' | 'reserved' | 'disabled' | 'out';

export interface RentalStates {
  /**
   * The desk's state of a rickshaw (by its hardware id) at `now`. Called for each rickshaw while the feed is built,
   * so it must answer from memory, not from SQL.
   */
  stateOf(hwId: string, now: number): RentalState;
}

/** Until the rental desk is wired in: nothing is booked, reserved or out. */
export const NOTHING_RENTED: RentalStates = { stateOf: () => 'available' };

/**
 * The rental desk's in-memory view (broker/rental/rental-view.ts) as the feed reads it; `view` is asked on each
 * call, so the feed can start before the desk does. Out wins over a breakdown, a breakdown over a booking.
 */
export function deskStates(view: () => RentalReadView | undefined): RentalStates {
  return {
    stateOf(hwId, now) {
      const v = view();
      if (!v) return 'available';
      if (v.isCheckedOut(hwId)) return 'out';
      if (v.isDisabled(hwId, now)) return 'disabled';
      return v.isReserved(hwId, now) ? 'reserved' : 'available';
    },
  };
}
