// The audit trail's table: every login (HTTP and MQTT, success and failure) and every mechanic command with the
// station's answer. Created by schema version 3 (an older store gets it by migration); no password is a column.

export const AUDIT_SQL = `
-- kind: login | command. actor: the user name as given (cut to 64 characters). via: http-form | http-basic | mqtt |
-- mqtt-ws | http. outcome and reason: see contract/http-api.ts (AUDIT_OUTCOMES). For commands: the station, dock,
-- command name and arguments (JSON), and the station's answer (JSON) when it carried it out.
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('login', 'command')),
  actor TEXT NOT NULL,
  address TEXT,
  via TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  station_id TEXT,
  dock INTEGER,
  command TEXT,
  args TEXT,
  answer TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_ts ON audit_log (ts);
CREATE INDEX IF NOT EXISTS audit_log_kind ON audit_log (kind, id);
`;
