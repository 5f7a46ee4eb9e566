// The central store's rickshaw tables, created beside the others (SCHEMA_SQL runs them on every open, so an older
// store gets them too): the registry with each rickshaw's odometer and where it was last seen, its fault history,
// the services mechanics recorded, and the odometer readings that were flagged instead of believed.

export const RICKSHAW_SCHEMA_SQL = `
-- One row per motor controller ever seen (hw_id: the controller's unique id). name: the registry's name, NULL for a
-- rickshaw nobody has named yet. odometer_km: lifetime distance as the central side believes it; last_tacho_km and
-- last_controller_km: the raw values of the newest reading, the base the next reading's distance is added from.
CREATE TABLE IF NOT EXISTS rickshaws (
  hw_id TEXT PRIMARY KEY,
  name TEXT UNIQUE,
  first_seen INTEGER NOT NULL,
  first_odometer_km REAL,
  odometer_km REAL,
  last_tacho_km REAL,
  last_controller_km REAL,
  reading_ts INTEGER,
  reading TEXT,
  firmware TEXT,
  last_station TEXT,
  last_bay INTEGER,
  last_seen INTEGER,
  present INTEGER NOT NULL DEFAULT 0,
  fault_code INTEGER NOT NULL DEFAULT 0,
  fault_name TEXT,
  fault_ts INTEGER
);

CREATE TABLE IF NOT EXISTS rickshaw_faults (
  hw_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  bay INTEGER NOT NULL,
  code INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (hw_id, ts, code)
) WITHOUT ROWID;

-- A mechanic's record of a service task done: who, when, at which odometer reading.
CREATE TABLE IF NOT EXISTS rickshaw_services (
  id INTEGER PRIMARY KEY,
  hw_id TEXT NOT NULL,
  task TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_user TEXT NOT NULL,
  odometer_km REAL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS rickshaw_services_by_task ON rickshaw_services (hw_id, task, at);

-- Odometer readings not taken as truth: going backwards, or a jump past a day's ride per day away.
CREATE TABLE IF NOT EXISTS rickshaw_anomalies (
  id INTEGER PRIMARY KEY,
  hw_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rickshaw_anomalies_by_id ON rickshaw_anomalies (hw_id, ts);
`;
