// Who holds a battery is decided by facts, not by the newest claim: a battery moves to another station's dock only
// when the station that holds it no longer reports it (its latest telemetry, if recent, has no such battery).
// While the holder still reports it, a second station reporting the same battery id is a conflict: the record stays
// where it was, the claimant's readings are not stored for it, and the conflict is kept and shown as an alert.

import type { Database, Statement } from 'better-sqlite3';

export const BATTERY_CLAIMS_SQL = `
-- A battery id reported by two stations at once (the holder and a claimant): one row per battery, the latest
-- conflict; removed when the battery genuinely moves. count: how many claims were refused.
CREATE TABLE IF NOT EXISTS battery_conflicts (
  battery_id TEXT PRIMARY KEY,
  holder_station TEXT NOT NULL,
  holder_dock INTEGER NOT NULL,
  claim_station TEXT NOT NULL,
  claim_dock INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  count INTEGER NOT NULL
);
`;

/** The holder's telemetry counts as current this long after it was received (ms). */
export const HOLDER_FRESH_MS = 120_000;

export class BatteryClaims {
  private readonly s: Record<'holder' | 'latest' | 'record' | 'clear', Statement>;
  /** Claims refused since start (the writer reports them per batch). */
  refused = 0;

  constructor(db: Database) {
    this.s = {
      holder: db.prepare('SELECT station_id AS stationId, dock FROM batteries WHERE battery_id = ?'),
      latest: db.prepare('SELECT received_at AS receivedAt, payload FROM latest_telemetry WHERE station_id = ?'),
      record: db.prepare(`INSERT INTO battery_conflicts (battery_id, holder_station, holder_dock, claim_station,
          claim_dock, first_at, last_at, count) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT(battery_id) DO UPDATE SET holder_station = excluded.holder_station,
          holder_dock = excluded.holder_dock, claim_station = excluded.claim_station, claim_dock = excluded.claim_dock,
          last_at = excluded.last_at, count = count + 1`),
      clear: db.prepare('DELETE FROM battery_conflicts WHERE battery_id = ? AND holder_station <> ?'),
    };
  }

  /**
   * May `stationId` (dock `dock`) write this battery's record? True when nobody holds it, it holds it itself, or
   * the holder no longer reports it; false (and the conflict recorded) while the holder still does.
   */
  mayWrite(batteryId: string, stationId: string, dock: number, receivedAt: number): boolean {
    const holder = this.s.holder.get(batteryId) as { stationId: string; dock: number } | undefined;
    if (!holder || holder.stationId === stationId) return true;
    const latest = this.s.latest.get(holder.stationId) as { receivedAt: number; payload: string } | undefined;
    const stillThere =
      latest !== undefined && receivedAt - latest.receivedAt <= HOLDER_FRESH_MS && reports(latest.payload, batteryId);
    if (!stillThere) {
      this.s.clear.run(batteryId, stationId);
      return true;
    }
    this.s.record.run(batteryId, holder.stationId, holder.dock, stationId, dock, receivedAt, receivedAt);
    this.refused += 1;
    return false;
  }
}

function reports(payload: string, batteryId: string): boolean {
  try {
    const tel = JSON.parse(payload) as { docks?: Array<{ battery?: { id?: unknown } | null }> };
    return (tel.docks ?? []).some((d) => d.battery?.id === batteryId);
  } catch {
    return false;
  }
}
