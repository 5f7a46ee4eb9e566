// The central SQLite store (better-sqlite3, WAL): opens the file under the data dir, creates the schema and keeps
// every statement prepared. Writers call these inside `tx()`, so a whole ingest batch is one transaction.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { AGGREGATES, MIGRATIONS, SCHEMA_SQL, SCHEMA_VERSION, type UserRole } from './schema.ts';

export interface StationRow {
  stationId: string;
  createdAt: number;
  firstSeq: number;
  ackSeq: number;
  highestSeq: number | null;
  settledCount: number;
  rejectedCount: number;
  lastSeen: number | null;
}

export interface SecretRow {
  salt: Buffer;
  hash: Buffer;
  params: string;
}

export type MessageKind = 'telemetry' | 'event' | 'rejected';

export interface BatterySampleRow {
  batteryId: string;
  ts: number;
  stationId: string;
  dock: number;
  socPct: number;
  voltageV: number;
  currentA: number;
  cellMinV: number | null;
  cellMaxV: number | null;
  tempMaxC: number | null;
  cycles: number;
}

const STATION_COLS = `station_id AS stationId, created_at AS createdAt, first_seq AS firstSeq, ack_seq AS ackSeq,
  highest_seq AS highestSeq, settled_count AS settledCount, rejected_count AS rejectedCount, last_seen AS lastSeen`;

/** Page cache per connection, KiB (see the constructor). */
const CACHE_KIB = 4096;

export class CentralDb {
  readonly db: Db;
  readonly path: string;
  private readonly s: Record<string, Statement>;
  private readonly foldSample: Statement[];
  private closed = false;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'central.sqlite');
    this.db = new Database(this.path);
    // 16 KiB pages for a new file (no effect on an existing one): a telemetry row of 8 docks is ~3 KiB, so 4 KiB
    // pages hold one row each and ingestion wrote ~40% more per row (measured; see README, throughput).
    this.db.pragma('page_size = 16384');
    // WAL lets the HTTP readers run while the ingester writes. FULL syncs the WAL at every commit: an ack goes out
    // after the commit and the station then forgets the message, so a commit must survive a power cut too (with
    // NORMAL the last commits may roll back after one). Measured at no visible cost with batches of 2000.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // better-sqlite3's build sets a 16 MB page cache per connection; the central has two on this file (the HTTP
    // readers and the write worker), and each filled as the store grew: +30 MB of resident memory over the first
    // hour or two of a soak, which looked like a leak. 4 MB holds the right edges of the tables and indexes the
    // ingest appends to; the kernel's file cache serves the rest of the reads.
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    this.migrate();
    const p = (sql: string): Statement => this.db.prepare(sql);
    this.s = {
      ensureStation: p('INSERT OR IGNORE INTO stations (station_id, created_at) VALUES (?, ?)'),
      getStation: p(`SELECT ${STATION_COLS} FROM stations WHERE station_id = ?`),
      listStations: p(`SELECT ${STATION_COLS} FROM stations ORDER BY station_id`),
      updateStation: p(`UPDATE stations SET ack_seq = @ackSeq, highest_seq = @highestSeq, settled_count = @settledCount,
        rejected_count = @rejectedCount, last_seen = @lastSeen WHERE station_id = @stationId`),
      setFirstSeq: p('UPDATE stations SET first_seq = ?, ack_seq = ?, settled_count = ? WHERE station_id = ?'),
      countFrom: p('SELECT count(*) FROM messages WHERE station_id = ? AND seq >= ?').pluck(),
      getStationSecret: p('SELECT salt, hash, params FROM station_credentials WHERE station_id = ?'),
      setStationSecret:
        p(`INSERT INTO station_credentials (station_id, salt, hash, params, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(station_id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, params = excluded.params, created_at = excluded.created_at`),
      getUserSecret: p('SELECT salt, hash, params, role FROM users WHERE username = ?'),
      setUserSecret: p(`INSERT INTO users (username, role, salt, hash, params, created_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(username) DO UPDATE SET role = excluded.role, salt = excluded.salt, hash = excluded.hash, params = excluded.params`),
      // Payloads may come as the received bytes: CAST stores them as TEXT without a decode to a JS string and back.
      insertMessage: p(
        'INSERT OR IGNORE INTO messages (station_id, seq, kind, ts, received_at, payload) VALUES (?, ?, ?, ?, ?, CAST(? AS TEXT))',
      ),
      // A valid copy of a seq that was first seen broken replaces the rejected row (the station fixed and re-sent it).
      upgradeRejected: p(
        "UPDATE messages SET kind = ?, ts = ?, received_at = ?, payload = CAST(? AS TEXT) WHERE station_id = ? AND seq = ? AND kind = 'rejected'",
      ),
      seqsAfter: p('SELECT seq FROM messages WHERE station_id = ? AND seq > ? ORDER BY seq LIMIT ?').pluck(),
      upsertLatest: p(`INSERT INTO latest_telemetry (station_id, seq, ts, received_at, payload) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(station_id) DO UPDATE SET seq = excluded.seq, ts = excluded.ts, received_at = excluded.received_at,
        payload = excluded.payload WHERE excluded.seq > latest_telemetry.seq`),
      // Status: the last one received wins, not the newest ts: a last will carries the ts of the connect.
      upsertStatus:
        p(`INSERT INTO station_status (station_id, online, ts, received_at, payload) VALUES (?, ?, ?, ?, CAST(? AS TEXT))
        ON CONFLICT(station_id) DO UPDATE SET online = excluded.online, ts = excluded.ts, received_at = excluded.received_at,
        payload = excluded.payload`),
      upsertBattery:
        p(`INSERT INTO batteries (battery_id, station_id, dock, ts, seq, payload, max_temp_c) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(battery_id) DO UPDATE SET
          station_id = CASE WHEN excluded.ts >= batteries.ts THEN excluded.station_id ELSE batteries.station_id END,
          dock = CASE WHEN excluded.ts >= batteries.ts THEN excluded.dock ELSE batteries.dock END,
          seq = CASE WHEN excluded.ts >= batteries.ts THEN excluded.seq ELSE batteries.seq END,
          payload = CASE WHEN excluded.ts >= batteries.ts THEN excluded.payload ELSE batteries.payload END,
          max_temp_c = max(coalesce(batteries.max_temp_c, excluded.max_temp_c), coalesce(excluded.max_temp_c, batteries.max_temp_c)),
          ts = max(batteries.ts, excluded.ts)`),
      insertSample:
        p(`INSERT OR IGNORE INTO battery_samples (battery_id, ts, station_id, dock, soc_pct, voltage_v, current_a,
        cell_min_v, cell_max_v, temp_max_c, cycles) VALUES (@batteryId, @ts, @stationId, @dock, @socPct, @voltageV, @currentA,
        @cellMinV, @cellMaxV, @tempMaxC, @cycles)`),
    };
    this.foldSample = AGGREGATES.map(({ table, bucketMs }) =>
      p(`INSERT INTO ${table} (battery_id, bucket, station_id, dock, n, soc_sum, soc_min, soc_max, voltage_sum, voltage_min,
        voltage_max, current_sum, current_min, current_max, cell_min_v, cell_max_v, temp_max_c, cycles)
        VALUES (@batteryId, @ts - (@ts % ${bucketMs}), @stationId, @dock, 1, @socPct, @socPct, @socPct, @voltageV, @voltageV,
        @voltageV, @currentA, @currentA, @currentA, @cellMinV, @cellMaxV, @tempMaxC, @cycles)
        ON CONFLICT (battery_id, bucket) DO UPDATE SET station_id = excluded.station_id, dock = excluded.dock, n = n + 1,
          soc_sum = soc_sum + excluded.soc_sum, soc_min = min(soc_min, excluded.soc_min), soc_max = max(soc_max, excluded.soc_max),
          voltage_sum = voltage_sum + excluded.voltage_sum, voltage_min = min(voltage_min, excluded.voltage_min),
          voltage_max = max(voltage_max, excluded.voltage_max), current_sum = current_sum + excluded.current_sum,
          current_min = min(current_min, excluded.current_min), current_max = max(current_max, excluded.current_max),
          cell_min_v = min(coalesce(cell_min_v, excluded.cell_min_v), coalesce(excluded.cell_min_v, cell_min_v)),
          cell_max_v = max(coalesce(cell_max_v, excluded.cell_max_v), coalesce(excluded.cell_max_v, cell_max_v)),
          temp_max_c = max(coalesce(temp_max_c, excluded.temp_max_c), coalesce(excluded.temp_max_c, temp_max_c)),
          cycles = max(cycles, excluded.cycles)`),
    );
  }

  /** Runs `fn` in one IMMEDIATE transaction (taking the write lock up front, so two writers never deadlock). */
  /**
   * Creates the schema of a new store, or brings an older one up to SCHEMA_VERSION step by step, each step in its
   * own transaction. A store newer than this code is refused rather than written with the wrong assumptions.
   */
  private migrate(): void {
    const db = this.db;
    const hasMeta =
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
    const row = hasMeta
      ? (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)
      : undefined;
    const found = row ? Number(row.value) : null;
    if (found !== null && found > SCHEMA_VERSION)
      throw new Error(`${this.path}: schema version ${found} is newer than this program (${SCHEMA_VERSION})`);
    for (let v = (found ?? SCHEMA_VERSION) + 1; v <= SCHEMA_VERSION; v++) {
      const step = MIGRATIONS[v];
      db.transaction(() => {
        if (step) db.exec(step);
        db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(v));
      })();
    }
    db.exec(SCHEMA_SQL);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  ensureStation(stationId: string, now: number): void {
    this.s.ensureStation!.run(stationId, now);
  }

  getStation(stationId: string): StationRow | undefined {
    return this.s.getStation!.get(stationId) as StationRow | undefined;
  }

  listStations(): StationRow[] {
    return this.s.listStations!.all() as StationRow[];
  }

  updateStation(row: StationRow): void {
    this.s.updateStation!.run(row);
  }

  /**
   * Declares where a station's history starts, for a station whose earlier seqs the central store will never get
   * (a new or restored central store: the station's seq went on, so the ack would wait for seq 1 forever).
   * Moving the start forward within what is acked keeps the ack and takes the skipped seqs off the settled count
   * (they were all settled: retention may have deleted their rows, so they are not counted from the table);
   * past the ack, the ack jumps to just below the start and the next batch walks on from there. Moving it back
   * recounts from the stored rows, which is right only while retention has not deleted any of them.
   */
  setFirstSeq(stationId: string, firstSeq: number, now: number): { ackSeq: number; settledCount: number } {
    return this.tx(() => {
      this.ensureStation(stationId, now);
      const row = this.getStation(stationId);
      if (!row) throw new Error(`station row ${stationId} missing after insert`);
      let ack: number;
      let settled: number;
      if (firstSeq >= row.firstSeq && firstSeq <= row.ackSeq + 1) {
        ack = row.ackSeq;
        settled = row.settledCount - (firstSeq - row.firstSeq);
      } else {
        ack = firstSeq - 1;
        settled = this.s.countFrom!.get(stationId, firstSeq) as number;
      }
      this.s.setFirstSeq!.run(firstSeq, ack, settled, stationId);
      return { ackSeq: ack, settledCount: settled };
    });
  }

  getStationSecret(stationId: string): SecretRow | undefined {
    return this.s.getStationSecret!.get(stationId) as SecretRow | undefined;
  }

  setStationSecret(stationId: string, secret: SecretRow, now: number): void {
    this.tx(() => {
      this.ensureStation(stationId, now);
      this.s.setStationSecret!.run(stationId, secret.salt, secret.hash, secret.params, now);
    });
  }

  getUserSecret(username: string): (SecretRow & { role: UserRole }) | undefined {
    return this.s.getUserSecret!.get(username) as (SecretRow & { role: UserRole }) | undefined;
  }

  setUserSecret(username: string, role: UserRole, secret: SecretRow, now: number): void {
    this.s.setUserSecret!.run(username, role, secret.salt, secret.hash, secret.params, now);
  }

  /** Inserts one message; 'inserted' for a new seq, 'upgraded' when it replaced a rejected row, else 'duplicate'. */
  insertMessage(
    stationId: string,
    seq: number,
    kind: MessageKind,
    ts: number,
    receivedAt: number,
    payload: string | Buffer,
  ): 'inserted' | 'upgraded' | 'duplicate' {
    if (this.s.insertMessage!.run(stationId, seq, kind, ts, receivedAt, payload).changes === 1) return 'inserted';
    if (kind !== 'rejected' && this.s.upgradeRejected!.run(kind, ts, receivedAt, payload, stationId, seq).changes === 1)
      return 'upgraded';
    return 'duplicate';
  }

  /** Seqs of a station above `after`, ascending, at most `limit` (walks the contiguous run for the ack). */
  seqsAfter(stationId: string, after: number, limit: number): number[] {
    return this.s.seqsAfter!.all(stationId, after, limit) as number[];
  }

  upsertLatestTelemetry(stationId: string, seq: number, ts: number, receivedAt: number, payload: string): void {
    this.s.upsertLatest!.run(stationId, seq, ts, receivedAt, payload);
  }

  upsertStatus(stationId: string, online: boolean, ts: number, receivedAt: number, payload: string | Buffer): void {
    this.s.upsertStatus!.run(stationId, online ? 1 : 0, ts, receivedAt, payload);
  }

  upsertBattery(
    batteryId: string,
    stationId: string,
    dock: number,
    ts: number,
    seq: number,
    payload: string,
    maxTempC: number | null,
  ): void {
    this.s.upsertBattery!.run(batteryId, stationId, dock, ts, seq, payload, maxTempC);
  }

  /** Stores a sample and, when it is new, folds it into its 1-minute and 15-minute buckets. */
  insertBatterySample(row: BatterySampleRow): void {
    if (this.s.insertSample!.run(row).changes === 1) for (const fold of this.foldSample) fold.run(row);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Checkpoints the WAL into the main file and closes; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
