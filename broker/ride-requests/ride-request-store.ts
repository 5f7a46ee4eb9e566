// Passengers' ride requests in a SQLite file of their own (`ride-requests.sqlite` beside the central store), so
// personal data sits apart from telemetry: secure_delete zeroes what is deleted, and after each purge the WAL is
// truncated, so a deleted name is not left in free pages or the log. What outlives a request is a count per day.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3';
import type { RideNeed, RideRequest, RideRequestBody, RideTally } from '../../contract/ride-requests-api.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ride_requests (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  pickup TEXT NOT NULL,
  pickup_at INTEGER NOT NULL,
  needs TEXT NOT NULL,
  station_id TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ride_requests_by_time ON ride_requests (pickup_at);
-- Rides past their retention, counted per day of the ride (UTC): need '' is the number of rides.
CREATE TABLE IF NOT EXISTS ride_tally (
  day TEXT NOT NULL,
  need TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, need)
) WITHOUT ROWID;
`;

interface Row {
  id: string;
  name: string;
  pickup: string;
  pickupAt: number;
  needs: string;
  stationId: string | null;
  createdAt: number;
  createdBy: string;
}

const COLS = `id, name, pickup, pickup_at AS pickupAt, needs, station_id AS stationId, created_at AS createdAt,
  created_by AS createdBy`;

export class RideRequestStore {
  readonly db: Db;

  constructor(
    dataDir: string,
    /** Days after the ride when name and place are deleted. */
    readonly retentionDays: number,
  ) {
    this.db = new Database(join(dataDir, 'ride-requests.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
  }

  private get retentionMs(): number {
    return this.retentionDays * 86_400_000;
  }

  add(body: RideRequestBody, by: string, now: number): RideRequest {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO ride_requests (id, name, pickup, pickup_at, needs, station_id, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        body.name,
        body.pickup,
        body.pickupAt,
        JSON.stringify([...new Set(body.needs)]),
        body.stationId ?? null,
        now,
        by,
      );
    return this.get(id) as RideRequest;
  }

  get(id: string): RideRequest | null {
    const r = this.db.prepare(`SELECT ${COLS} FROM ride_requests WHERE id = ?`).get(id) as Row | undefined;
    return r ? this.view(r) : null;
  }

  list(): RideRequest[] {
    return (this.db.prepare(`SELECT ${COLS} FROM ride_requests ORDER BY pickup_at, rowid`).all() as Row[]).map((r) =>
      this.view(r),
    );
  }

  /** A request cancelled before its ride: gone at once, and not counted (no ride took place). */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM ride_requests WHERE id = ?').run(id).changes > 0;
  }

  /** Counts and deletes every request whose ride is longer ago than the retention period; returns how many. */
  purge(now: number): number {
    const due = this.db
      .prepare(`SELECT ${COLS} FROM ride_requests WHERE pickup_at <= ?`)
      .all(now - this.retentionMs) as Row[];
    if (due.length === 0) return 0;
    const count = this.db.prepare(
      'INSERT INTO ride_tally (day, need, n) VALUES (?, ?, 1) ON CONFLICT (day, need) DO UPDATE SET n = n + 1',
    );
    const del = this.db.prepare('DELETE FROM ride_requests WHERE id = ?');
    this.db.transaction(() => {
      for (const r of due) {
        const day = new Date(r.pickupAt).toISOString().slice(0, 10);
        count.run(day, '');
        for (const need of JSON.parse(r.needs) as RideNeed[]) count.run(day, need);
        del.run(r.id);
      }
    })();
    // The deleted rows' old pages would otherwise live on in the WAL until the next checkpoint.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return due.length;
  }

  tally(): RideTally[] {
    const rows = this.db.prepare('SELECT day, need, n FROM ride_tally ORDER BY day DESC, need').all() as Array<{
      day: string;
      need: string;
      n: number;
    }>;
    const byDay = new Map<string, RideTally>();
    for (const r of rows) {
      let t = byDay.get(r.day);
      if (!t) byDay.set(r.day, (t = { day: r.day, rides: 0, needs: {} }));
      if (r.need === '') t.rides = r.n;
      else t.needs[r.need] = r.n;
    }
    return [...byDay.values()];
  }

  close(): void {
    this.db.close();
  }

  private view(r: Row): RideRequest {
    return {
      id: r.id,
      name: r.name,
      pickup: r.pickup,
      pickupAt: r.pickupAt,
      needs: JSON.parse(r.needs) as RideNeed[],
      stationId: r.stationId,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      forgetAt: r.pickupAt + this.retentionMs,
    };
  }
}
