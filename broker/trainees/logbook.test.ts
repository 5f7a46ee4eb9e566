// The logbook on the central store: a run put together from its events in any order, a trainee's tasks per
// procedure and per ISO week, a mechanic's late assignment, the CSV, and the v4 -> v5 migration that adds the tables.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../contract/messages.ts';
import { CentralDb } from '../store/central-db.ts';
import { SCHEMA_VERSION } from '../store/schema.ts';
import { isoWeek, LogbookStore } from './logbook-store.ts';
import { LogbookWriter } from './logbook-writer.ts';
import { logbookCsv, traineeSheetHtml } from './trainee-sheet.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store() {
  const d = mkdtempSync(join(tmpdir(), 'rikscha-logbook-'));
  dirs.push(d);
  const db = new CentralDb(d);
  return { db, dir: d, writer: new LogbookWriter(db.db), logbook: new LogbookStore(db.db) };
}

const WEEK = 7 * 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9); // a Monday, 2026-W45

let seq = 0;
function ev(type: string, ts: number, data: Record<string, unknown>): string {
  const e: StationEvent = { stationId: 'st-1', ts, seq: ++seq, type, severity: 'info', message: type, data };
  return JSON.stringify(e);
}

/** The three kinds of event of one run, done or aborted. */
function run(runId: string, trainee: number | null, at: number, outcome: 'done' | 'aborted' = 'done') {
  const base = { runId, procedureId: 'swap-pack', title: 'Akku tauschen', trainee, dock: 1 };
  return [
    ev('procedure-started', at, { ...base, steps: 4 }),
    ev('procedure-step', at + 1000, { ...base, step: 1, stepId: 'charger-off', by: 'condition' }),
    ev('procedure-ended', at + 60_000, {
      ...base,
      outcome,
      reason: outcome === 'done' ? 'done' : 'fault',
      stepsDone: outcome === 'done' ? 4 : 1,
      steps: 4,
      startedAt: at,
      durationMs: 60_000,
      chargerHeldOff: outcome !== 'done',
    }),
  ];
}

describe('trainee logbook', () => {
  it('puts a run together from its events in any order, and ignores other events', () => {
    const { db, writer, logbook } = store();
    const [started, step, ended] = run('r1', 7, T0);
    // The end first (a backlog), then its start and a step: one entry, done, the end's figures kept.
    for (const p of [ended, started, step, ev('dock-state', T0, { from: 'idle', to: 'charging' })])
      writer.applyPayload('st-1', p ?? '');
    writer.applyPayload('st-1', '{"type":"procedure-started", not json');
    expect(logbook.list()).toEqual([
      {
        stationId: 'st-1',
        runId: 'r1',
        procedureId: 'swap-pack',
        title: 'Akku tauschen',
        trainee: 7,
        assignedBy: null,
        dock: 1,
        bay: null,
        startedAt: T0,
        endedAt: T0 + 60_000,
        outcome: 'done',
        reason: 'done',
        stepsDone: 4,
        steps: 4,
      },
    ]);
    // An event claiming another station's id is not applied.
    writer.applyPayload('st-2', run('r2', 7, T0)[0] ?? '');
    expect(logbook.list()).toHaveLength(1);
    db.close();
  });

  it("a trainee's record: tasks per procedure and done per week; a run assigned later joins it", () => {
    const { db, writer, logbook } = store();
    for (const p of [
      ...run('a', 3, T0),
      ...run('b', 3, T0 + WEEK),
      ...run('c', 3, T0 + WEEK + 3600_000, 'aborted'),
      ...run('d', null, T0 + 3 * WEEK),
    ])
      writer.applyPayload('st-1', p);
    expect(logbook.list({ unassigned: true }).map((e) => e.runId)).toEqual(['d']);
    expect(logbook.assign('st-1', 'd', 3, 'mech')).toMatchObject({ trainee: 3, assignedBy: 'mech' });
    const r = logbook.record(3);
    expect(r).toMatchObject({ trainee: 3, done: 3, aborted: 1, weeksActive: 3 });
    expect(r?.tasks).toEqual([
      { procedureId: 'swap-pack', done: 3, aborted: 1, firstDoneAt: T0 + 60_000, lastDoneAt: T0 + 3 * WEEK + 60_000 },
    ]);
    expect(r?.weeks).toEqual([
      { week: '2026-W45', done: 1 },
      { week: '2026-W46', done: 1 },
      { week: '2026-W48', done: 1 },
    ]);
    expect(logbook.trainees()).toEqual([
      { trainee: 3, done: 3, aborted: 1, firstAt: T0, lastAt: T0 + 3 * WEEK + 60_000, weeksActive: 3 },
    ]);
    // CSV: a header and one line per run, no name anywhere.
    logbook.setName(3, 'Ayşe Demir', T0, 'mech');
    const csv = logbookCsv(r?.entries ?? []);
    expect(csv.split('\r\n')[0]).toBe(
      'trainee,procedure,title,outcome,reason,started,ended,steps_done,steps,station,dock,bay,assigned_by,run',
    );
    expect(csv.split('\r\n')[1]).toBe(
      '3,swap-pack,Akku tauschen,done,done,2026-11-02T09:00:00.000Z,2026-11-02T09:01:00.000Z,4,4,st-1,1,,,a',
    );
    expect(csv).not.toContain('Ayşe');
    // The printable page: the name only when staff print it, escaped.
    expect(traineeSheetHtml(r!, null)).toContain('Teilnehmer/in Nr. 3');
    expect(traineeSheetHtml(r!, '<b>Ayşe</b>')).toContain('&lt;b&gt;Ayşe&lt;/b&gt; (Nr. 3)');
    db.close();
  });

  it('ISO weeks in UTC, across year ends', () => {
    expect(isoWeek(Date.UTC(2021, 0, 3, 12))).toBe('2020-W53');
    expect(isoWeek(Date.UTC(2021, 0, 4, 12))).toBe('2021-W01');
    expect(isoWeek(Date.UTC(2024, 11, 30, 12))).toBe('2025-W01');
    expect(isoWeek(Date.UTC(2027, 0, 1, 12))).toBe('2026-W53');
  });

  it('migrates a version 4 store: the logbook and pseudonym tables appear', () => {
    const { db, dir } = store();
    db.db.exec(
      "DROP TABLE procedure_runs; DROP TABLE trainee_names; UPDATE meta SET value = '4' WHERE key = 'schema_version'",
    );
    db.close();
    const again = new CentralDb(dir);
    expect(again.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      String(SCHEMA_VERSION),
    );
    const names = again.db
      .prepare("SELECT name FROM sqlite_master WHERE name IN ('procedure_runs', 'trainee_names') ORDER BY name")
      .pluck()
      .all();
    expect(names).toEqual(['procedure_runs', 'trainee_names']);
    again.close();
  });
});
