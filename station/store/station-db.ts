// Opens the station's SQLite database (WAL) once and brings its schema up to date (station-schema.ts); the outbox,
// history and retired-pack tables live in it.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from './migrate.ts';
import { STATION_MIGRATIONS } from './station-schema.ts';

export function stationDbPath(dataDir: string, stationId: string): string {
  return join(dataDir, `${stationId}.sqlite`);
}

/**
 * Throws a SchemaError (the file left as it was) when the schema is newer than this program or a migration fails.
 * `migrations` is for tests only.
 */
export function openStationDb(
  dataDir: string,
  stationId: string,
  migrations: readonly Migration[] = STATION_MIGRATIONS,
): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const file = stationDbPath(dataDir, stationId);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a seq must survive a power cut once its message may have left, or a reused seq would be dropped centrally.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 2000');
    // 1 MiB of page cache instead of SQLite's 2 MiB default: the station's writes are appends and its reads few.
    db.pragma('cache_size = -1024');
    migrate(db, migrations, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
