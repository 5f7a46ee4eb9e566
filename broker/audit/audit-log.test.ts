// The audit log on its own: the v2 -> v3 migration that adds its table, bounded retention (age and row count),
// one write per flush, and a flood beyond `maxPending` summed up in one row instead of growing memory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { Metrics } from '../metrics/metrics.ts';
import { SCHEMA_VERSION } from '../store/schema.ts';
import { CentralDb } from '../store/central-db.ts';
import { AuditLog, type LoginRecord } from './audit-log.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function store(): CentralDb {
  const d = mkdtempSync(join(tmpdir(), 'rikscha-audit-'));
  dirs.push(d);
  return new CentralDb(d);
}
const attempt = (user: string): LoginRecord => ({
  user,
  address: '10.0.0.9',
  via: 'mqtt',
  outcome: 'refused',
  reason: 'bad_credentials',
});
const count = (db: CentralDb): number => db.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;

describe('audit log', () => {
  it('migrates a v2 store: the audit table appears (v3) and the version becomes the current one', () => {
    const d = mkdtempSync(join(tmpdir(), 'rikscha-audit-'));
    dirs.push(d);
    const first = new CentralDb(d);
    first.db.exec("DROP TABLE audit_log; UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    first.close();
    const raw = new Database(join(d, 'central.sqlite'));
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'audit_log'").get()).toBeUndefined();
    raw.close();
    const db = new CentralDb(d);
    expect(db.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      String(SCHEMA_VERSION),
    );
    const log = new AuditLog(db.db, new ManualClock(), pino({ level: 'silent' }), new Metrics());
    log.login(attempt('olga'));
    expect(log.list({ limit: 10 }).items.map((e) => e.user)).toEqual(['olga']);
    log.stop();
    db.close();
  });

  it('writes queued records at the flush interval, in one go', () => {
    const db = store();
    const clock = new ManualClock();
    const log = new AuditLog(db.db, clock, pino({ level: 'silent' }), new Metrics(), { flushMs: 1000 });
    log.login(attempt('a'));
    log.login(attempt('b'));
    expect(count(db)).toBe(0);
    clock.advance(1000);
    expect(count(db)).toBe(2);
    log.stop();
    db.close();
  });

  it('beyond maxPending, further attempts are counted and summed up in one not_recorded row', () => {
    const db = store();
    const clock = new ManualClock();
    const metrics = new Metrics();
    const log = new AuditLog(db.db, clock, pino({ level: 'silent' }), metrics, { maxPending: 100 });
    for (let i = 0; i < 5000; i++) log.login(attempt(`u${i}`));
    clock.advance(1000);
    expect(count(db)).toBe(101);
    const newest = log.list({ limit: 1 }).items[0];
    expect(newest).toMatchObject({ outcome: 'not_recorded', reason: '4900 more not recorded' });
    expect(metrics.get('rikscha_audit_dropped_total')).toBe(4900);
    log.stop();
    db.close();
  });

  it('retention deletes records past maxDays and beyond maxRows, oldest first', () => {
    const db = store();
    const clock = new ManualClock();
    const log = new AuditLog(db.db, clock, pino({ level: 'silent' }), new Metrics(), {
      maxDays: 10,
      maxRows: 5000,
      maxPending: 10_000,
      pruneEveryMs: 30 * 86_400_000,
    });
    for (let i = 0; i < 3000; i++) log.login(attempt(`old${i}`));
    log.flush();
    clock.advance(11 * 86_400_000);
    for (let i = 0; i < 6000; i++) log.login(attempt(`new${i}`));
    expect(log.prune()).toBe(3000 + 1000);
    expect(count(db)).toBe(5000);
    const oldest = log.list({ limit: 5000 }).items.at(-1);
    expect(oldest?.user).toBe('new1000');
    log.stop();
    db.close();
  });

  it('cuts what an attacker sends (a 10 kB user name) and keeps long arguments as valid JSON', () => {
    const db = store();
    const log = new AuditLog(db.db, new ManualClock(), pino({ level: 'silent' }), new Metrics());
    log.login(attempt('x'.repeat(10_000)));
    log.command({
      user: 'mech',
      address: null,
      stationId: 'st-a',
      dock: 1,
      command: 'add-booking',
      args: { note: 'y'.repeat(5000) },
      outcome: 'ok',
      reason: null,
      answer: { ok: 1 },
    });
    const [cmd, login] = log.list({ limit: 10 }).items;
    expect(login?.user).toHaveLength(64);
    expect(typeof cmd?.args?.truncated).toBe('string');
    expect(cmd?.answer).toEqual({ ok: 1 });
    log.stop();
    db.close();
  });
});
