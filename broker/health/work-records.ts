// What mechanics did to a pack (rebalanced, connector replaced, BMS reset, retired...), with who and when. A pack
// with a `retired` record is retired: the stations are told not to dispatch or charge it.

import type { Database, Statement } from 'better-sqlite3';
import type { WorkRecord } from '../../contract/battery-health.ts';

export const WORK_RECORD_SQL = `
CREATE TABLE IF NOT EXISTS work_records (
  id INTEGER PRIMARY KEY,
  battery_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  kind TEXT NOT NULL,
  note TEXT
);
CREATE INDEX IF NOT EXISTS work_records_battery ON work_records (battery_id, at);
`;

const COLS = 'id, battery_id AS batteryId, at, by, kind, note';

export class WorkRecords {
  private readonly s: Record<'insert' | 'byId' | 'of' | 'retired', Statement>;

  constructor(db: Database) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      insert: p('INSERT INTO work_records (battery_id, at, by, kind, note) VALUES (?, ?, ?, ?, ?)'),
      byId: p(`SELECT ${COLS} FROM work_records WHERE id = ?`),
      of: p(`SELECT ${COLS} FROM work_records WHERE battery_id = ? ORDER BY at, id`),
      retired: p("SELECT DISTINCT battery_id FROM work_records WHERE kind = 'retired'").pluck(),
    };
  }

  add(batteryId: string, at: number, by: string, kind: WorkRecord['kind'], note: string | null): WorkRecord {
    const r = this.s.insert.run(batteryId, at, by, kind, note);
    return this.s.byId.get(r.lastInsertRowid) as WorkRecord;
  }

  of(batteryId: string): WorkRecord[] {
    return this.s.of.all(batteryId) as WorkRecord[];
  }

  /** Ids of every retired pack. */
  retired(): Set<string> {
    return new Set(this.s.retired.all() as string[]);
  }
}
