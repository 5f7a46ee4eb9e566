// Persistent alert state with hysteresis: an alert is raised once when its trigger level is crossed, stays (no
// repeat) while the value stays past it, and is cleared with a recovery message only when the clear level is
// crossed back. At most one open alert per subject and code (a partial unique index).

import type { Database, Statement } from 'better-sqlite3';

export const ALERT_SQL = `
CREATE TABLE IF NOT EXISTS health_alerts (
  id INTEGER PRIMARY KEY,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('battery', 'station')),
  subject_id TEXT NOT NULL,
  code TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('warning', 'fault')),
  raised_at INTEGER NOT NULL,
  cleared_at INTEGER,
  message TEXT NOT NULL,
  action TEXT NOT NULL,
  recovery TEXT,
  value REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS health_alerts_open ON health_alerts (subject_kind, subject_id, code) WHERE cleared_at IS NULL;
`;

export type SubjectKind = 'battery' | 'station';

export interface StoredAlert {
  id: number;
  subjectKind: SubjectKind;
  subjectId: string;
  code: string;
  severity: 'warning' | 'fault';
  raisedAt: number;
  clearedAt: number | null;
  /** Why, in plain words. */
  message: string;
  /** What to do. */
  action: string;
  /** Set when cleared: what changed. */
  recovery: string | null;
  value: number | null;
}

/** What a rule says about one subject now; `unknown` leaves an alert as it is (not enough data is no recovery). */
export type Judgement =
  | { state: 'unknown' }
  | { state: 'triggered'; value: number; severity: 'warning' | 'fault'; message: string; action: string }
  | { state: 'between'; value: number }
  | { state: 'clear'; value: number; recovery: string };

export type Transition = { kind: 'raised' | 'cleared'; alert: StoredAlert } | null;

const COLS = `id, subject_kind AS subjectKind, subject_id AS subjectId, code, severity, raised_at AS raisedAt,
  cleared_at AS clearedAt, message, action, recovery, value`;

export class AlertStore {
  private readonly s: Record<'open' | 'insert' | 'clear' | 'byId' | 'openAll' | 'ofSubject', Statement>;

  constructor(db: Database) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      open: p(
        `SELECT ${COLS} FROM health_alerts WHERE subject_kind = ? AND subject_id = ? AND code = ? AND cleared_at IS NULL`,
      ),
      insert: p(`INSERT INTO health_alerts (subject_kind, subject_id, code, severity, raised_at, message, action, value)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      clear: p('UPDATE health_alerts SET cleared_at = ?, recovery = ?, value = ? WHERE id = ?'),
      byId: p(`SELECT ${COLS} FROM health_alerts WHERE id = ?`),
      openAll: p(`SELECT ${COLS} FROM health_alerts WHERE cleared_at IS NULL ORDER BY raised_at DESC`),
      ofSubject: p(
        `SELECT ${COLS} FROM health_alerts WHERE subject_kind = ? AND subject_id = ? ORDER BY raised_at DESC LIMIT ?`,
      ),
    };
  }

  /** Applies one judgement with hysteresis; returns what changed (null: nothing, the usual case). */
  apply(kind: SubjectKind, id: string, code: string, j: Judgement, now: number): Transition {
    const open = this.s.open.get(kind, id, code) as StoredAlert | undefined;
    if (!open && j.state === 'triggered') {
      const r = this.s.insert.run(kind, id, code, j.severity, now, j.message, j.action, j.value);
      return { kind: 'raised', alert: this.s.byId.get(r.lastInsertRowid) as StoredAlert };
    }
    if (open && j.state === 'clear') {
      this.s.clear.run(now, j.recovery, j.value, open.id);
      return { kind: 'cleared', alert: this.s.byId.get(open.id) as StoredAlert };
    }
    return null;
  }

  openAlerts(): StoredAlert[] {
    return this.s.openAll.all() as StoredAlert[];
  }

  /** A subject's alerts, open and cleared, newest first. */
  ofSubject(kind: SubjectKind, id: string, limit = 200): StoredAlert[] {
    return this.s.ofSubject.all(kind, id, limit) as StoredAlert[];
  }
}
