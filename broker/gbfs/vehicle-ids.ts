// Public vehicle ids that cannot follow a rickshaw from ride to ride. GBFS (as of v2.0) says a vehicle_id MUST be
// rotated to a random string after each trip, and SHOULD only be rotated once per trip: so each visit to a bay gets
// a fresh random id, kept while the rickshaw stands there, and forgotten when it leaves or is checked out.
// The ids live only in memory: a broker restart rotates all of them, which costs privacy nothing.

import { randomUUID } from 'node:crypto';

export class VehicleIds {
  private readonly byRickshaw = new Map<string, { visit: number; id: string }>();

  constructor(private readonly random: () => string = randomUUID) {}

  /** The public id of a rickshaw on its current visit (a new visit, or one after forget(), draws a new one). */
  idFor(hwId: string, visit: number): string {
    const known = this.byRickshaw.get(hwId);
    if (known && known.visit === visit) return known.id;
    const id = this.random();
    this.byRickshaw.set(hwId, { visit, id });
    return id;
  }

  /** The rickshaw left the feed (out on a ride, or gone from its bay): its next appearance gets a new id. */
  forget(hwId: string): void {
    this.byRickshaw.delete(hwId);
  }

  /** Drops the ids of rickshaws no longer in the feed (keeps the map as small as the fleet in bays). */
  keepOnly(hwIds: ReadonlySet<string>): void {
    for (const hw of this.byRickshaw.keys()) if (!hwIds.has(hw)) this.byRickshaw.delete(hw);
  }
}
