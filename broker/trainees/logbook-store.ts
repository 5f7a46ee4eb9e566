// Reading the logbook and keeping the pseudonym table, on the broker's own connection: the runs by trainee, each
// trainee's tasks over the weeks, a mechanic's late assignment of a run, and the names only staff may see.

import type { Database, Statement } from 'better-sqlite3';
import type { LogbookEntry, TraineeRecord } from '../../contract/logbook.ts';
import { traineeNameSchema } from '../../contract/logbook.ts';
import type { z } from 'zod';

type TraineeName = z.infer<typeof traineeNameSchema>;

const COLS = `station_id AS stationId, run_id AS runId, procedure_id AS procedureId, title, trainee, assigned_by AS assignedBy,
  dock, bay, started_at AS startedAt, ended_at AS endedAt, outcome, reason, steps_done AS stepsDone, steps`;

/** ISO 8601 week of an epoch-ms instant, in UTC: `2026-W49`. */
export function isoWeek(ms: number): string {
  const DAY = 86_400_000;
  const d = new Date(ms);
  const monday0 = (x: number): number => (new Date(x).getUTCDay() + 6) % 7;
  // The week's Thursday decides the year; week 1 is the week holding 4 January.
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + (3 - monday0(ms)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const firstThursday = jan4 + (3 - monday0(jan4)) * DAY;
  const week = 1 + Math.round((thursday - firstThursday) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export interface LogbookQuery {
  trainee?: number;
  unassigned?: boolean;
  from?: number;
  to?: number;
  limit?: number;
}

export class LogbookStore {
  private readonly s: Record<string, Statement>;

  constructor(private readonly db: Database) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      byTrainee: p(`SELECT ${COLS} FROM procedure_runs WHERE trainee = ? ORDER BY started_at, run_id`),
      one: p(`SELECT ${COLS} FROM procedure_runs WHERE station_id = ? AND run_id = ?`),
      assign: p('UPDATE procedure_runs SET trainee = ?, assigned_by = ? WHERE station_id = ? AND run_id = ?'),
      trainees: p(`SELECT trainee, sum(outcome = 'done') AS done, sum(outcome = 'aborted') AS aborted,
        min(started_at) AS firstAt, max(coalesce(ended_at, started_at)) AS lastAt
        FROM procedure_runs WHERE trainee IS NOT NULL GROUP BY trainee ORDER BY trainee`),
      doneTimes: p(`SELECT trainee, coalesce(ended_at, started_at) AS at FROM procedure_runs
        WHERE trainee IS NOT NULL AND outcome = 'done'`),
      names: p(
        'SELECT trainee, name, updated_at AS updatedAt, updated_by AS updatedBy FROM trainee_names ORDER BY trainee',
      ),
      name: p('SELECT name FROM trainee_names WHERE trainee = ?').pluck(),
      setName: p(`INSERT INTO trainee_names (trainee, name, updated_at, updated_by) VALUES (?, ?, ?, ?)
        ON CONFLICT (trainee) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      deleteName: p('DELETE FROM trainee_names WHERE trainee = ?'),
    };
  }

  list(q: LogbookQuery = {}): LogbookEntry[] {
    const where: string[] = [];
    const args: Record<string, number> = {};
    if (q.trainee !== undefined) {
      where.push('trainee = @trainee');
      args.trainee = q.trainee;
    }
    if (q.unassigned) where.push('trainee IS NULL');
    if (q.from !== undefined) {
      where.push('started_at >= @from');
      args.from = q.from;
    }
    if (q.to !== undefined) {
      where.push('started_at < @to');
      args.to = q.to;
    }
    const sql = `SELECT ${COLS} FROM procedure_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, run_id LIMIT ${Math.min(Math.max(q.limit ?? 500, 1), 5000)}`;
    return this.db.prepare(sql).all(args) as LogbookEntry[];
  }

  one(stationId: string, runId: string): LogbookEntry | undefined {
    return this.s.one!.get(stationId, runId) as LogbookEntry | undefined;
  }

  /** A mechanic puts a run on a trainee's record (or takes it off: null). */
  assign(stationId: string, runId: string, trainee: number | null, by: string): LogbookEntry | undefined {
    this.s.assign!.run(trainee, trainee === null ? null : by, stationId, runId);
    return this.one(stationId, runId);
  }

  trainees(): Array<Omit<TraineeRecord, 'tasks' | 'weeks' | 'entries'>> {
    const weeks = new Map<number, Set<string>>();
    for (const r of this.s.doneTimes!.all() as Array<{ trainee: number; at: number }>) {
      const set = weeks.get(r.trainee) ?? new Set<string>();
      set.add(isoWeek(r.at));
      weeks.set(r.trainee, set);
    }
    const rows = this.s.trainees!.all() as Array<{
      trainee: number;
      done: number;
      aborted: number;
      firstAt: number;
      lastAt: number;
    }>;
    return rows.map((r) => ({ ...r, weeksActive: weeks.get(r.trainee)?.size ?? 0 }));
  }

  /** One trainee's record: tasks by procedure, done per week, every run; undefined for a number with no runs. */
  record(trainee: number): TraineeRecord | undefined {
    const entries = this.s.byTrainee!.all(trainee) as LogbookEntry[];
    if (entries.length === 0) return undefined;
    const tasks = new Map<string, TraineeRecord['tasks'][number]>();
    const weeks = new Map<string, number>();
    for (const e of entries) {
      const t = tasks.get(e.procedureId) ?? {
        procedureId: e.procedureId,
        done: 0,
        aborted: 0,
        firstDoneAt: null,
        lastDoneAt: null,
      };
      const at = e.endedAt ?? e.startedAt;
      if (e.outcome === 'done') {
        t.done += 1;
        t.firstDoneAt = Math.min(t.firstDoneAt ?? at, at);
        t.lastDoneAt = Math.max(t.lastDoneAt ?? at, at);
        weeks.set(isoWeek(at), (weeks.get(isoWeek(at)) ?? 0) + 1);
      } else if (e.outcome === 'aborted') t.aborted += 1;
      tasks.set(e.procedureId, t);
    }
    const done = entries.filter((e) => e.outcome === 'done').length;
    return {
      trainee,
      done,
      aborted: entries.filter((e) => e.outcome === 'aborted').length,
      firstAt: Math.min(...entries.map((e) => e.startedAt)),
      lastAt: Math.max(...entries.map((e) => e.endedAt ?? e.startedAt)),
      weeksActive: weeks.size,
      tasks: [...tasks.values()].sort((a, b) => a.procedureId.localeCompare(b.procedureId)),
      weeks: [...weeks].map(([week, n]) => ({ week, done: n })).sort((a, b) => a.week.localeCompare(b.week)),
      entries,
    };
  }

  names(): TraineeName[] {
    return this.s.names!.all() as TraineeName[];
  }

  nameOf(trainee: number): string | undefined {
    return this.s.name!.get(trainee) as string | undefined;
  }

  setName(trainee: number, name: string, at: number, by: string): void {
    this.s.setName!.run(trainee, name, at, by);
  }

  deleteName(trainee: number): boolean {
    return this.s.deleteName!.run(trainee).changes > 0;
  }
}
