// Retention of the central store: raw messages for `rawDays` (events for `eventDays`), 5-second battery samples
// for `sampleDays`, 1-minute aggregates for `minuteDays`, 15-minute aggregates for `quarterDays`. A periodic job
// deletes in transactions of at most `chunkRows` rows and yields to the event loop between them, so ingestion
// never waits on it for more than a few milliseconds. The aggregates themselves are written at ingest time.
//
// Never deleted: a message above its station's ack (the ack walks the stored seqs upward, so deleting ahead of it
// would stall it), the per-station counters, the latest telemetry/status and the batteries' latest rows.

import type { Logger } from 'pino';
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { CentralDb } from './central-db.ts';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /**
   * Telemetry and rejected messages, days (default 3: at 3.5 GB a day for 10 stations x 8 docks at 1 Hz, raw
   * messages are what decides the disk; the battery history lives on in the samples and aggregates).
   */
  rawDays: number;
  /** Events (faults, warnings: small and rare), days (default 365). */
  eventDays: number;
  /** 5-second battery samples, days (default 7). */
  sampleDays: number;
  /** 1-minute battery aggregates, days (default 30). */
  minuteDays: number;
  /** 15-minute battery aggregates, days (default 365). */
  quarterDays: number;
  /** Period of the job, ms (default 10 min). */
  intervalMs: number;
  /** Rows per delete transaction (default 2000). */
  chunkRows: number;
}

export const DEFAULT_RETENTION: RetentionOptions = {
  rawDays: 3,
  eventDays: 365,
  sampleDays: 7,
  minuteDays: 30,
  quarterDays: 365,
  intervalMs: 600_000,
  chunkRows: 2000,
};

export interface RetentionResult {
  messages: number;
  samples: number;
  minutes: number;
  quarters: number;
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Retention {
  private readonly opts: RetentionOptions;
  private repeater: Repeater | null = null;
  private running: Promise<RetentionResult> | null = null;
  private stopped = false;
  private readonly s: {
    rowidWindow: Statement;
    deleteMessages: Statement;
    batteries: Statement;
    perBattery: Array<{ name: keyof RetentionResult; days: (o: RetentionOptions) => number; del: Statement }>;
  };

  constructor(
    private readonly store: CentralDb,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: Partial<RetentionOptions> = {},
  ) {
    this.opts = { ...DEFAULT_RETENTION, ...opts };
    const db = store.db;
    const perBattery = (table: string, col: string) =>
      db.prepare(
        `DELETE FROM ${table} WHERE battery_id = ? AND ${col} IN (SELECT ${col} FROM ${table} WHERE battery_id = ? AND ${col} < ? ORDER BY ${col} LIMIT ?)`,
      );
    this.s = {
      // Messages are a rowid table written in arrival order, so the oldest rows have the lowest rowids: the job
      // walks rowid windows from the start instead of needing an index on received_at.
      rowidWindow: db.prepare(
        'SELECT max(rowid) AS upper, min(received_at) AS oldest FROM (SELECT rowid, received_at FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?)',
      ),
      deleteMessages: db.prepare(`DELETE FROM messages WHERE rowid > @lower AND rowid <= @upper
        AND received_at < (CASE kind WHEN 'event' THEN @eventCutoff ELSE @rawCutoff END)
        AND seq <= (SELECT ack_seq FROM stations WHERE stations.station_id = messages.station_id)`),
      batteries: db.prepare('SELECT battery_id FROM batteries').pluck(),
      perBattery: [
        { name: 'samples', days: (o) => o.sampleDays, del: perBattery('battery_samples', 'ts') },
        { name: 'minutes', days: (o) => o.minuteDays, del: perBattery('battery_minutes', 'bucket') },
        { name: 'quarters', days: (o) => o.quarterDays, del: perBattery('battery_quarters', 'bucket') },
      ],
    };
  }

  /** Runs the job every intervalMs (the first run after one interval). */
  start(): void {
    if (this.stopped) return;
    this.repeater ??= repeatEvery(
      this.clock,
      this.opts.intervalMs,
      () => this.runOnce(),
      (err) =>
        this.log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'retention run failed; retrying next interval',
        ),
    );
  }

  /** One pass over every table; concurrent calls share the pass in progress. */
  runOnce(): Promise<RetentionResult> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<RetentionResult> {
    const now = this.clock.now();
    const o = this.opts;
    const result: RetentionResult = { messages: 0, samples: 0, minutes: 0, quarters: 0 };
    const t0 = performance.now();
    const rawCutoff = now - o.rawDays * DAY_MS;
    const eventCutoff = now - o.eventDays * DAY_MS;
    const newestCutoff = Math.max(rawCutoff, eventCutoff);
    let lower = 0;
    for (;;) {
      if (!this.store.isOpen || this.stopped) return result;
      const w = this.s.rowidWindow.get(lower, o.chunkRows) as { upper: number | null; oldest: number | null };
      // Stop at the first window with nothing old enough for any rule: everything after it arrived later.
      if (w.upper === null || w.oldest === null || w.oldest >= newestCutoff) break;
      const upper = w.upper;
      result.messages += this.store.tx(
        () => this.s.deleteMessages.run({ lower, upper, rawCutoff, eventCutoff }).changes,
      );
      lower = upper;
      await yieldToLoop();
    }
    const batteries = this.s.batteries.all() as string[];
    for (const table of this.s.perBattery) {
      const cutoff = now - table.days(o) * DAY_MS;
      for (const id of batteries) {
        for (;;) {
          if (!this.store.isOpen || this.stopped) return result;
          const n = this.store.tx(() => table.del.run(id, id, cutoff, o.chunkRows).changes);
          result[table.name] += n;
          if (n < o.chunkRows) break;
          await yieldToLoop();
        }
      }
      await yieldToLoop();
    }
    const total = result.messages + result.samples + result.minutes + result.quarters;
    if (total > 0) this.log.info({ ...result, ms: Math.round(performance.now() - t0) }, 'retention: old rows deleted');
    return result;
  }

  /** Stops the schedule and waits for a pass in progress to end (it stops at its next chunk). */
  async stop(): Promise<void> {
    this.stopped = true;
    void this.repeater?.stop();
    await this.running?.catch(() => undefined);
  }
}
