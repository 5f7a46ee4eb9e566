// The central store's tables. Messages are keyed by (station_id, seq) so a re-sent message is dropped by the key;
// per-station counters live beside them so /api/stations and the ack need no scan of the message table.

import { RICKSHAW_SCHEMA_SQL } from '../rickshaws/rickshaw-schema.ts';
import { HEALTH_SQL } from '../health/health-schema.ts';
import { BATTERY_CLAIMS_SQL } from '../ingest/battery-claims.ts';
import { AUDIT_SQL } from '../audit/audit-schema.ts';
import { RENTAL_SCHEMA_SQL } from '../rental/rental-schema.ts';
import { TRAINEE_SQL } from '../trainees/logbook-writer.ts';

export const SCHEMA_VERSION = 5;

/** Bucket widths of the down-sampled battery tables, ms. */
export const AGGREGATES = [
  { table: 'battery_minutes', bucketMs: 60_000 },
  { table: 'battery_quarters', bucketMs: 15 * 60_000 },
] as const;

/** One down-sampled battery table: the same columns at every bucket width. */
const aggregateTable = (name: string): string => `CREATE TABLE IF NOT EXISTS ${name} (
  battery_id TEXT NOT NULL, bucket INTEGER NOT NULL, station_id TEXT NOT NULL, dock INTEGER NOT NULL, n INTEGER NOT NULL,
  soc_sum REAL NOT NULL, soc_min REAL NOT NULL, soc_max REAL NOT NULL,
  voltage_sum REAL NOT NULL, voltage_min REAL NOT NULL, voltage_max REAL NOT NULL,
  current_sum REAL NOT NULL, current_min REAL NOT NULL, current_max REAL NOT NULL,
  cell_min_v REAL, cell_max_v REAL, temp_max_c REAL, cycles INTEGER NOT NULL,
  PRIMARY KEY (battery_id, bucket)
) WITHOUT ROWID;`;

/** viewer: read-only MQTT; mechanic: also logs in to the HTTP API and sends commands to stations. */
export const USER_ROLES = ['viewer', 'mechanic'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const USERS_TABLE = (name: string): string => `CREATE TABLE IF NOT EXISTS ${name} (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'mechanic')),
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  params TEXT NOT NULL,
  created_at INTEGER NOT NULL
);`;

/** Steps from one schema version to the next, run in order in one transaction each (key: the version reached). */
export const MIGRATIONS: Record<number, string> = {
  // v2: the mechanic role. SQLite cannot change a CHECK constraint in place, so the table is copied.
  2: `${USERS_TABLE('users_v2')}
INSERT INTO users_v2 (username, role, salt, hash, params, created_at) SELECT username, role, salt, hash, params, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v2 RENAME TO users;`,
  // v3: the audit trail (logins and mechanic commands).
  3: AUDIT_SQL,
  // v4: the rental desk's tables (broker/rental/rental-schema.ts).
  4: RENTAL_SCHEMA_SQL,
  // v5: the trainee logbook (procedure runs) and the pseudonym table (trainee number -> name, staff only).
  5: TRAINEE_SQL,
};

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- One row per station known to the central side: created by add-station or by its first message.
-- first_seq: the lowest seq the station's history has (1 unless set otherwise, see README);
-- ack_seq: every seq in [first_seq, ack_seq] is settled (stored or rejected with a reason);
-- highest_seq: highest seq seen; settled_count: settled rows with seq >= first_seq (so missing = span - settled).
CREATE TABLE IF NOT EXISTS stations (
  station_id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  first_seq INTEGER NOT NULL DEFAULT 1,
  ack_seq INTEGER NOT NULL DEFAULT 0,
  highest_seq INTEGER,
  settled_count INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER
);

-- scrypt(password, salt, keylen, {N, r, p}); the parameters are stored so they can be raised later.
CREATE TABLE IF NOT EXISTS station_credentials (
  station_id TEXT PRIMARY KEY REFERENCES stations(station_id),
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  params TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

${USERS_TABLE('users')}

-- kind: telemetry | event | rejected (a message whose envelope was readable but whose body failed validation:
-- kept with its reason so the seq counts as settled and the station's outbox is not blocked by it forever).
CREATE TABLE IF NOT EXISTS messages (
  station_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (station_id, seq)
); -- a rowid table on purpose: WITHOUT ROWID is slow for rows of a few kB like these

CREATE TABLE IF NOT EXISTS latest_telemetry (
  station_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS station_status (
  station_id TEXT PRIMARY KEY,
  online INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);

-- Latest reading of each battery wherever it was last docked; max_temp_c is the highest ever seen.
CREATE TABLE IF NOT EXISTS batteries (
  battery_id TEXT PRIMARY KEY,
  station_id TEXT NOT NULL,
  dock INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  payload TEXT NOT NULL,
  max_temp_c REAL
);

-- Down-sampled per-battery series derived from telemetry (one sample per battery per sample interval).
CREATE TABLE IF NOT EXISTS battery_samples (
  battery_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  dock INTEGER NOT NULL,
  soc_pct REAL NOT NULL,
  voltage_v REAL NOT NULL,
  current_a REAL NOT NULL,
  cell_min_v REAL,
  cell_max_v REAL,
  temp_max_c REAL,
  cycles INTEGER NOT NULL,
  PRIMARY KEY (battery_id, ts)
) WITHOUT ROWID;

-- Down-sampled battery series for the long run (see retention.ts): every stored sample is folded into its
-- 1-minute and its 15-minute bucket as it is written, so a late backlog lands in the right bucket and nothing is
-- counted twice (a sample is folded only when its insert was new). Averages are sum / n.
${AGGREGATES.map((a) => aggregateTable(a.table)).join('\n')}
${RICKSHAW_SCHEMA_SQL}
${HEALTH_SQL}
${BATTERY_CLAIMS_SQL}
${AUDIT_SQL}
${RENTAL_SCHEMA_SQL}
${TRAINEE_SQL}
`;
