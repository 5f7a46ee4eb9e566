// Procedure events into the logbook table, inside the ingest batch's transaction: one row per run, put together from
// its start, its steps and its end in whatever order they arrive (a station's backlog may bring the end first).
// Also the table definitions: created by the schema version 5 migration and on every open (broker/store/schema.ts).

import type { Database, Statement } from 'better-sqlite3';
import { eventSchema, readProcedureEvent } from '../../contract/messages.ts';

export const TRAINEE_SQL = `
-- One row per run of a guided procedure at a station. trainee: the pseudonymous number picked at the station, or
-- assigned later by staff (assigned_by: their login). outcome: open (no end received yet), done or aborted.
CREATE TABLE IF NOT EXISTS procedure_runs (
  station_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  procedure_id TEXT NOT NULL,
  title TEXT,
  trainee INTEGER,
  assigned_by TEXT,
  dock INTEGER,
  bay INTEGER,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT NOT NULL DEFAULT 'open',
  reason TEXT,
  steps_done INTEGER NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL,
  PRIMARY KEY (station_id, run_id)
);
CREATE INDEX IF NOT EXISTS procedure_runs_trainee ON procedure_runs (trainee, started_at);

-- The pseudonym table: a trainee number's name. Only logged-in staff read or change it (broker/trainees).
CREATE TABLE IF NOT EXISTS trainee_names (
  trainee INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
`;

function statements(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    started:
      p(`INSERT INTO procedure_runs (station_id, run_id, procedure_id, title, trainee, dock, bay, started_at, steps)
      VALUES (@stationId, @runId, @procedureId, @title, @trainee, @dock, @bay, @startedAt, @steps) ON CONFLICT DO NOTHING`),
    step: p(
      `UPDATE procedure_runs SET steps_done = max(steps_done, @step) WHERE station_id = @stationId AND run_id = @runId`,
    ),
    // The end carries everything the start did, so it can stand in for a start that has not arrived; a trainee that
    // staff assigned stays.
    ended: p(`INSERT INTO procedure_runs (station_id, run_id, procedure_id, title, trainee, dock, bay, started_at,
        ended_at, outcome, reason, steps_done, steps)
      VALUES (@stationId, @runId, @procedureId, @title, @trainee, @dock, @bay, @startedAt, @endedAt, @outcome, @reason,
        @stepsDone, @steps)
      ON CONFLICT (station_id, run_id) DO UPDATE SET ended_at = excluded.ended_at, outcome = excluded.outcome,
        reason = excluded.reason, steps_done = max(steps_done, excluded.steps_done)`),
  };
}

export class LogbookWriter {
  private readonly s: ReturnType<typeof statements>;

  constructor(db: Database) {
    this.s = statements(db);
  }

  /** A stored event's payload; anything but a procedure event is left alone. Never throws (it would undo the batch). */
  applyPayload(stationId: string, payload: string | Buffer): void {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    if (!text.includes('"procedure-')) return;
    try {
      const ev = eventSchema.safeParse(JSON.parse(text));
      if (!ev.success || ev.data.stationId !== stationId) return;
      const p = readProcedureEvent(ev.data);
      if (!p) return;
      const base = {
        stationId,
        runId: p.data.runId,
        procedureId: p.data.procedureId,
        title: p.data.title ?? null,
        trainee: p.data.trainee,
        dock: p.data.dock ?? null,
        bay: p.data.bay ?? null,
      };
      if (p.type === 'procedure-started') this.s.started.run({ ...base, startedAt: p.ts, steps: p.data.steps });
      else if (p.type === 'procedure-step') this.s.step.run({ stationId, runId: p.data.runId, step: p.data.step });
      else
        this.s.ended.run({
          ...base,
          startedAt: p.data.startedAt,
          endedAt: p.ts,
          outcome: p.data.outcome,
          reason: p.data.reason,
          stepsDone: p.data.stepsDone,
          steps: p.data.steps,
        });
    } catch {
      // Not JSON or not the contract: it stays stored as a plain event.
    }
  }
}
