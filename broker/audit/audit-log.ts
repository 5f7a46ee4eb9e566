// The audit trail: logins (HTTP form, HTTP Basic, MQTT CONNECT; success and failure) and mechanic commands with
// the station's answer, kept in the central store for staff to read (`GET /api/audit`) with bounded retention.
// Records are queued and written in one transaction a second, so a login flood costs no fsync per attempt; while
// more arrive than `maxPending` the rest are counted and summed up in one `not_recorded` row.

import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AuditEntry, AuditList, AuditQuery } from '../../contract/http-api.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { Metrics } from '../metrics/metrics.ts';

type Via = AuditEntry['via'];

export interface LoginRecord {
  /** The user name as given (never the password). */
  user: string;
  address: string | null;
  via: Via;
  outcome: 'ok' | 'refused' | 'throttled' | 'busy';
  reason: string | null;
}

export interface CommandRecord {
  user: string;
  address: string | null;
  stationId: string;
  dock: number | null;
  command: string;
  args: Record<string, unknown> | null;
  outcome: 'ok' | 'refused' | 'invalid' | 'offline' | 'timeout' | 'closed';
  reason: string | null;
  answer?: unknown;
}

/** What the HTTP and MQTT sides report to; the AuditLog is one. */
export interface AuditSink {
  login(r: LoginRecord): void;
  command(r: CommandRecord): void;
}

export interface AuditOptions {
  /** Records older than this are deleted (days; default 365). */
  maxDays: number;
  /** At most this many records are kept; the oldest go first (default 200 000, ~40 MB). */
  maxRows: number;
  /** Queued records are written this often (ms; default 1000). */
  flushMs: number;
  /** Records queued between two writes before further ones are only counted (default 2000). */
  maxPending: number;
  /** How often retention runs (ms; default 10 min). */
  pruneEveryMs: number;
}

export const DEFAULT_AUDIT: AuditOptions = {
  maxDays: 365,
  maxRows: 200_000,
  flushMs: 1000,
  maxPending: 2000,
  pruneEveryMs: 600_000,
};

/** Longest user name, reason or argument text kept: what an attacker sends is cut, not stored whole. */
const MAX_TEXT = 64;
const MAX_JSON = 2000;
const CHUNK = 2000;
const DAY_MS = 86_400_000;

interface Row {
  ts: number;
  kind: 'login' | 'command';
  actor: string;
  address: string | null;
  via: Via;
  outcome: AuditEntry['outcome'];
  reason: string | null;
  stationId: string | null;
  dock: number | null;
  command: string | null;
  args: string | null;
  answer: string | null;
}

const cut = (s: string | null, n = MAX_TEXT): string | null => (s === null ? null : s.slice(0, n));
/** JSON of at most MAX_JSON characters; a longer value is kept as the start of its text, still valid JSON. */
function json(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const text = JSON.stringify(v);
  return text.length <= MAX_JSON ? text : JSON.stringify({ truncated: text.slice(0, MAX_JSON) });
}

export class AuditLog implements AuditSink {
  private readonly opts: AuditOptions;
  private pending: Row[] = [];
  private dropped = 0;
  private flushTimer: TimerHandle | null = null;
  private readonly pruner: Repeater;
  private stopped = false;
  private readonly s: Record<'insert' | 'byAge' | 'cutoffId' | 'byId', Statement>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    opts: Partial<AuditOptions> = {},
  ) {
    this.opts = { ...DEFAULT_AUDIT, ...opts };
    metrics.counter('rikscha_audit_records_total', 'Audit records written, by kind', [
      { kind: 'login' },
      { kind: 'command' },
    ]);
    metrics.counter('rikscha_audit_dropped_total', 'Audit records not written: more arrived than the trail takes');
    this.s = {
      insert: db.prepare(`INSERT INTO audit_log (ts, kind, actor, address, via, outcome, reason, station_id, dock,
        command, args, answer) VALUES (@ts, @kind, @actor, @address, @via, @outcome, @reason, @stationId, @dock,
        @command, @args, @answer)`),
      byAge: db.prepare(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE ts < ? LIMIT ?)`),
      cutoffId: db.prepare('SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?').pluck(),
      byId: db.prepare(
        `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE id <= ? ORDER BY id LIMIT ?)`,
      ),
    };
    this.pruner = repeatEvery(
      this.clock,
      this.opts.pruneEveryMs,
      () => {
        const n = this.prune();
        if (n > 0) this.log.info({ deleted: n }, 'audit records past retention deleted');
      },
      (err) => this.log.warn({ err }, 'audit retention failed'),
    );
  }

  login(r: LoginRecord): void {
    this.queue({
      ts: this.clock.now(),
      kind: 'login',
      actor: cut(r.user) ?? '',
      address: cut(r.address),
      via: r.via,
      outcome: r.outcome,
      reason: cut(r.reason),
      stationId: null,
      dock: null,
      command: null,
      args: null,
      answer: null,
    });
  }

  command(r: CommandRecord): void {
    this.queue({
      ts: this.clock.now(),
      kind: 'command',
      actor: cut(r.user) ?? '',
      address: cut(r.address),
      via: 'http',
      outcome: r.outcome,
      reason: cut(r.reason, 500),
      stationId: cut(r.stationId),
      dock: r.dock,
      command: cut(r.command),
      args: json(r.args),
      answer: json(r.answer),
    });
  }

  private queue(row: Row): void {
    if (this.stopped) return;
    if (this.pending.length >= this.opts.maxPending) {
      this.dropped += 1;
      this.metrics.inc('rikscha_audit_dropped_total');
    } else this.pending.push(row);
    this.flushTimer ??= this.clock.setTimeout(() => this.flush(), this.opts.flushMs);
  }

  /** Writes what is queued, in one transaction. */
  flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    const rows = this.pending;
    const dropped = this.dropped;
    if (rows.length === 0 && dropped === 0) return;
    this.pending = [];
    this.dropped = 0;
    if (dropped > 0) {
      const last = rows[rows.length - 1];
      rows.push({
        ...(last as Row),
        kind: 'login',
        actor: '',
        address: null,
        outcome: 'not_recorded',
        reason: `${dropped} more not recorded`,
        stationId: null,
        dock: null,
        command: null,
        args: null,
        answer: null,
      });
    }
    try {
      this.db.transaction(() => {
        for (const r of rows) this.s.insert.run(r);
      })();
      for (const r of rows) this.metrics.inc('rikscha_audit_records_total', { kind: r.kind });
    } catch (err) {
      this.log.error({ err, rows: rows.length }, 'audit records not written');
    }
  }

  /** Deletes records past `maxDays` and beyond `maxRows`, in small transactions; returns how many. */
  prune(): number {
    this.flush();
    let deleted = 0;
    const before = this.clock.now() - this.opts.maxDays * DAY_MS;
    for (let n = CHUNK; n === CHUNK; deleted += n) n = this.s.byAge.run(before, CHUNK).changes;
    const cutoff = this.s.cutoffId.get(this.opts.maxRows) as number | undefined;
    if (cutoff !== undefined) for (let n = CHUNK; n === CHUNK; deleted += n) n = this.s.byId.run(cutoff, CHUNK).changes;
    return deleted;
  }

  /** A page of records, newest first (what is queued is written first, so a read sees every earlier record). */
  list(q: AuditQuery): AuditList {
    this.flush();
    const params: Record<string, unknown> = { limit: q.limit + 1 };
    const filters: Array<[keyof AuditQuery, string]> = [
      ['kind', 'kind = @kind'],
      ['from', 'ts >= @from'],
      ['to', 'ts <= @to'],
      ['before', 'id < @before'],
    ];
    const where: string[] = [];
    for (const [key, sql] of filters) {
      if (q[key] === undefined) continue;
      where.push(sql);
      params[key] = q[key];
    }
    const rows = this.db
      .prepare(
        `SELECT id, ts, kind, actor, address, via, outcome, reason, station_id AS stationId, dock, command, args, answer
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
      )
      .all(params) as Array<Omit<Row, 'args' | 'answer'> & { id: number; args: string | null; answer: string | null }>;
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const items: AuditEntry[] = page.map(({ actor, args, answer, ...r }) => ({
      ...r,
      user: actor,
      args: parseJson(args) as Record<string, unknown> | null,
      answer: parseJson(answer),
    }));
    return { items, next: more ? (page[page.length - 1]?.id ?? null) : null };
  }

  /** Writes what is queued and stops the timers (shut-down). */
  stop(): void {
    this.flush();
    this.stopped = true;
    void this.pruner.stop();
  }
}

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}
