// The rental desk composed: its store on the broker's own connection, the in-memory view the public feed reads,
// and (next) the desk's HTTP routes and the pack reservations sent to stations.

import type { Database } from 'better-sqlite3';
import { RentalView, type RentalReadView } from './rental-view.ts';

export interface RentalParts {
  /** Read by the public feed (GBFS): checked out, reserved, disabled; in memory. */
  readonly view: RentalReadView;
  stop(): Promise<void>;
}

export function startRental(deps: { db: Database }): RentalParts {
  const view = new RentalView(deps.db);
  return { view, stop: () => Promise.resolve() };
}
