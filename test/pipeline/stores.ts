// Reading the two SQLite files of the pipeline from the outside, as the tests' judges: the station's seq counter
// and outbox, and what the central store holds for a station.

import Database from 'better-sqlite3';

/** Opens read-only, runs `fn`, closes; readers never block the writer in WAL mode. */
function withDb<T>(file: string, fn: (db: Database.Database) => T, readonly = true): T {
  const db = new Database(file, { readonly, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The station's persisted seq counter (0 before the first message) and how many messages its outbox holds. */
export function stationState(file: string): { seq: number; outbox: number } {
  return withDb(file, (db) => ({
    seq: (db.prepare("SELECT value FROM meta WHERE key = 'seq'").pluck().get() as number | undefined) ?? 0,
    outbox: db.prepare('SELECT count(*) FROM outbox').pluck().get() as number,
  }));
}

/**
 * `PRAGMA integrity_check` of a station file after a crash. Opened read-write on purpose: that is what the next
 * start does, and it is what replays the WAL left by the killed process.
 */
export function integrityCheck(file: string): string {
  return withDb(
    file,
    (db) =>
      (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; '),
    false,
  );
}

export interface CentralCount {
  rows: number;
  distinct: number;
  min: number | null;
  max: number | null;
  /** Rows that are not plain telemetry/events (rejections would hide a loss). */
  rejected: number;
  ackSeq: number | null;
}

/** What central.sqlite holds for a station's seqs. */
export function centralCount(file: string, stationId: string): CentralCount {
  return withDb(file, (db) => {
    const m = db
      .prepare(
        "SELECT count(*) AS rows, count(DISTINCT seq) AS distinct_, min(seq) AS min, max(seq) AS max, sum(kind = 'rejected') AS rejected FROM messages WHERE station_id = ?",
      )
      .get(stationId) as {
      rows: number;
      distinct_: number;
      min: number | null;
      max: number | null;
      rejected: number | null;
    };
    const ack = db.prepare('SELECT ack_seq FROM stations WHERE station_id = ?').pluck().get(stationId) as
      number | undefined;
    return {
      rows: m.rows,
      distinct: m.distinct_,
      min: m.min,
      max: m.max,
      rejected: m.rejected ?? 0,
      ackSeq: ack ?? null,
    };
  });
}

/** The seqs in [1, upTo] that the central store lacks (at most `limit`, for the failure message). */
export function missingSeqs(file: string, stationId: string, upTo: number, limit = 20): number[] {
  return withDb(file, (db) => {
    const have = new Set(
      db.prepare('SELECT seq FROM messages WHERE station_id = ?').pluck().all(stationId) as number[],
    );
    const out: number[] = [];
    for (let s = 1; s <= upTo && out.length < limit; s++) if (!have.has(s)) out.push(s);
    return out;
  });
}
