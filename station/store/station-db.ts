// Opens the station's SQLite database (WAL) once; the outbox and history tables live in it.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export function openStationDb(dataDir: string, stationId: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, `${stationId}.sqlite`));
  db.pragma('journal_mode = WAL');
  // FULL: a seq must survive a power cut once its message may have left, or a reused seq would be dropped centrally.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 2000');
  return db;
}
