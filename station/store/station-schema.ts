// The station database's schema as an ordered list of forward migrations (PRAGMA user_version). Append new steps at
// the end; never edit a step that has shipped, since stations in the field have already run it.

import type { Migration } from './migrate.ts';

/** Rows of the space reserve, and each row's size: 8 x 64 KiB, given up to events when the disk is full. */
export const RESERVE_ROWS = 8;
export const RESERVE_ROW_BYTES = 64 * 1024;

export const STATION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'outbox with its persisted seq, local history, retired packs',
    // IF NOT EXISTS: stations from before versioning (user_version 0) already have exactly these tables.
    up: (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS outbox (
          seq INTEGER PRIMARY KEY,
          topic TEXT NOT NULL,
          payload TEXT NOT NULL,
          kind TEXT NOT NULL,
          sent_at INTEGER
        );
        CREATE TABLE IF NOT EXISTS readings (
          ts INTEGER NOT NULL, dock INTEGER NOT NULL, battery_id TEXT, state TEXT NOT NULL,
          soc REAL, voltage REAL, current REAL, temp_max REAL, cell_min REAL, cell_max REAL, charger_current REAL
        );
        CREATE INDEX IF NOT EXISTS readings_ts ON readings (ts);
        CREATE TABLE IF NOT EXISTS readings_1m (
          minute INTEGER NOT NULL, dock INTEGER NOT NULL, battery_id TEXT, n INTEGER NOT NULL,
          soc_sum REAL NOT NULL, voltage_sum REAL NOT NULL, current_sum REAL NOT NULL,
          voltage_min REAL, voltage_max REAL, temp_max REAL, cell_min REAL, cell_max REAL,
          PRIMARY KEY (minute, dock)
        );
        CREATE TABLE IF NOT EXISTS retired_batteries (battery_id TEXT PRIMARY KEY);
      `),
  },
  {
    version: 2,
    what: 'a reserve of pages for events on a full disk',
    // When history is gone and the disk is still full, deleting a reserve row frees pages that only an event may use.
    up: (db) => {
      db.exec('CREATE TABLE reserve (id INTEGER PRIMARY KEY, pad BLOB NOT NULL)');
      const put = db.prepare('INSERT INTO reserve (id, pad) VALUES (?, zeroblob(?))');
      for (let i = 1; i <= RESERVE_ROWS; i++) put.run(i, RESERVE_ROW_BYTES);
    },
  },
];
