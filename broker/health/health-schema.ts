import { ALERT_SQL } from './alert-store.ts';
import { WORK_RECORD_SQL } from './work-records.ts';

// The central store's battery-health tables: charge sessions as the stations measured them, each pack's combined
// estimates (newest, and one row per session for the trend), kept for the pack's whole life.

export const HEALTH_SQL = `
-- One row per charge session a station published (event type charge-session); payload: the session's JSON.
CREATE TABLE IF NOT EXISTS charge_sessions (
  battery_id TEXT NOT NULL,
  ended_at INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  dock INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (battery_id, ended_at, station_id)
) WITHOUT ROWID;

-- Each pack's estimates combined from its sessions (estimateHealth), rewritten when a session arrives.
CREATE TABLE IF NOT EXISTS battery_estimates (
  battery_id TEXT PRIMARY KEY,
  updated_at INTEGER NOT NULL,
  soh_pct REAL,
  resistance_mohm REAL,
  payload TEXT NOT NULL
);

-- The estimates after each session: the pack's health trend.
CREATE TABLE IF NOT EXISTS battery_estimate_history (
  battery_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  soh_pct REAL,
  soh_uncertainty REAL,
  resistance_mohm REAL,
  resistance_uncertainty REAL,
  cycles REAL,
  PRIMARY KEY (battery_id, ts)
) WITHOUT ROWID;
${ALERT_SQL}
${WORK_RECORD_SQL}
`;
