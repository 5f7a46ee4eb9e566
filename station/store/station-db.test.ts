// Station database schema migrations: a database from before versioning migrates forward and keeps its rows; a
// failing or killed migration leaves the file byte-identical at its old version; a newer database is refused.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RetiredPacks } from '../health/retired-packs.ts';
import { History } from './history.ts';
import { SchemaError, schemaVersion, type Migration } from './migrate.ts';
import { Outbox } from './outbox.ts';
import { openStationDb, stationDbPath } from './station-db.ts';
import { STATION_MIGRATIONS, RESERVE_ROWS } from './station-schema.ts';

const LATEST = STATION_MIGRATIONS.length;

/** The schema the station created before versioning (user_version 0), as its constructors wrote it. */
const UNVERSIONED_DDL = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload TEXT NOT NULL,
    kind TEXT NOT NULL, sent_at INTEGER);
  CREATE TABLE IF NOT EXISTS readings (ts INTEGER NOT NULL, dock INTEGER NOT NULL, battery_id TEXT, state TEXT NOT NULL,
    soc REAL, voltage REAL, current REAL, temp_max REAL, cell_min REAL, cell_max REAL, charger_current REAL);
  CREATE INDEX IF NOT EXISTS readings_ts ON readings (ts);
  CREATE TABLE IF NOT EXISTS readings_1m (minute INTEGER NOT NULL, dock INTEGER NOT NULL, battery_id TEXT,
    n INTEGER NOT NULL, soc_sum REAL NOT NULL, voltage_sum REAL NOT NULL, current_sum REAL NOT NULL,
    voltage_min REAL, voltage_max REAL, temp_max REAL, cell_min REAL, cell_max REAL, PRIMARY KEY (minute, dock));
  CREATE TABLE IF NOT EXISTS retired_batteries (battery_id TEXT PRIMARY KEY);
`;

/** A station database as the unversioned program left it: seq 42, two messages waiting, history, a retired pack. */
function unversionedDb(): { dir: string; id: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rikscha-schema-'));
  const id = 'old-station';
  const file = stationDbPath(dir, id);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(UNVERSIONED_DDL);
  db.prepare("INSERT INTO meta VALUES ('seq', 42)").run();
  const put = db.prepare("INSERT INTO outbox VALUES (?, 'rikscha/v1/old-station/event', ?, 'event', NULL)");
  put.run(41, JSON.stringify({ seq: 41, type: 'fault' }));
  put.run(42, JSON.stringify({ seq: 42, type: 'info' }));
  const reading = db.prepare("INSERT INTO readings (ts, dock, state, voltage) VALUES (?, 1, 'charging', 50.1)");
  for (let ts = 1000; ts <= 5000; ts += 1000) reading.run(ts);
  db.prepare("INSERT INTO readings_1m VALUES (0, 1, 'B1', 5, 250, 250.5, 10, 50, 50.2, 30, 3.8, 3.9)").run();
  db.prepare("INSERT INTO retired_batteries VALUES ('B-OLD')").run();
  db.close(); // checkpoints: the whole database is in the one file now
  return { dir, id, file };
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function failingStep(version: number): Migration {
  return {
    version,
    what: 'a step that fails midway',
    up: (db) => {
      db.exec('CREATE TABLE half_done (x INTEGER)');
      db.exec('DELETE FROM outbox');
      throw new Error('disk said no');
    },
  };
}

describe('station database schema', () => {
  it('creates a new database at the latest version', () => {
    const db = openStationDb(mkdtempSync(join(tmpdir(), 'rikscha-schema-')), 'new');
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.prepare('SELECT count(*) FROM reserve').pluck().get()).toBe(RESERVE_ROWS);
    db.close();
  });

  it('migrates a database from before versioning forward and keeps its rows', () => {
    const { dir, id } = unversionedDb();
    const db = openStationDb(dir, id);
    expect(schemaVersion(db)).toBe(LATEST);
    const outbox = new Outbox(db, { maxMessages: 1000 });
    expect(outbox.lastSeq()).toBe(42);
    expect(outbox.dueMessages(Number.MAX_SAFE_INTEGER, 10).map((r) => r.seq)).toEqual([41, 42]);
    expect(new History(db).rawCount()).toBe(5);
    expect(new History(db).minutes(1)).toEqual([
      { minute: 0, n: 5, voltageAvg: 50.1, voltageMin: 50, voltageMax: 50.2 },
    ]);
    expect(new RetiredPacks(db).has('B-OLD')).toBe(true);
    // The seq keeps growing from where the old program stopped.
    expect(outbox.append((seq) => ({ topic: 't', payload: JSON.stringify({ seq }), kind: 'event' }))).toBe(43);
    db.close();
    // Opening again runs nothing.
    const again = openStationDb(dir, id);
    expect(schemaVersion(again)).toBe(LATEST);
    again.close();
  });

  it('leaves the file byte-identical at its old version when a migration throws midway', () => {
    const { dir, id, file } = unversionedDb();
    const before = sha(file);
    let error: unknown;
    try {
      openStationDb(dir, id, [...STATION_MIGRATIONS, failingStep(LATEST + 1)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaError);
    const schemaError = error as SchemaError;
    expect(schemaError.code).toBe('migration-failed');
    expect(schemaError.version).toBe(0);
    expect(schemaError.message).toContain(`migration to schema version ${LATEST + 1}`);
    expect(schemaError.message).toContain('left unchanged at version 0');
    expect(schemaError.message).toContain('disk said no');
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);

    // Still usable: the program without the bad step migrates it and finds every row.
    const db = openStationDb(dir, id);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('leaves the file at its old version when the process is killed mid-migration', () => {
    const { dir, id, file } = unversionedDb();
    const before = sha(file);
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/kill-mid-migration.ts', dir, id], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stdout).toContain('midway');
    expect(child.signal).toBe('SIGKILL');
    // The killed transaction's pages spilled into the WAL, but without a commit frame: the main file is untouched.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1024 * 1024);
    expect(sha(file)).toBe(before);

    const db = openStationDb(dir, id);
    expect(schemaVersion(db)).toBe(LATEST);
    expect(new Outbox(db, { maxMessages: 1000 }).lastSeq()).toBe(42);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'doomed'").pluck().get()).toBe(0);
    db.close();
  }, 90_000);

  it('refuses a database newer than the program and leaves it alone', () => {
    const { dir, id, file } = unversionedDb();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.close();
    const before = sha(file);
    expect(() => openStationDb(dir, id)).toThrow(
      expect.objectContaining({ code: 'schema-newer', version: LATEST + 5 }) as Error,
    );
    expect(() => openStationDb(dir, id)).toThrow(`schema version ${LATEST + 5} is newer than this program knows`);
    expect(sha(file)).toBe(before);
  });
});
