// The station's durable outbox: every telemetry and event message gets its persistent seq and is stored here
// before it is published; it leaves only when the central store's ack covers it (a broker PUBACK is not enough).

import type Database from 'better-sqlite3';

export interface OutboxRow {
  seq: number;
  topic: string;
  payload: string;
  /** `thinned`: telemetry whose readings were dropped to make room; a small placeholder keeps its seq. */
  kind: 'telemetry' | 'event' | 'thinned';
  sentAt: number | null;
}

export interface OutboxLimits {
  /** Most full messages kept; beyond it the oldest telemetry is thinned to placeholders, events are never touched. */
  maxMessages: number;
}

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly getSeq: Database.Statement;
  private readonly setSeq: Database.Statement;
  private readonly deleteUpTo: Database.Statement;
  private readonly due: Database.Statement;
  private readonly markSent: Database.Statement;
  private readonly newest: Database.Statement;
  private readonly count: Database.Statement;
  private readonly thin: Database.Statement;
  private readonly unsend: Database.Statement;
  private readonly thinOne: Database.Statement;
  private readonly getPayload: Database.Statement;
  private readonly appendTx: (
    build: (seq: number) => { topic: string; payload: string; kind: 'telemetry' | 'event' },
  ) => number;
  /** Telemetry messages thinned away because the outbox was full. */
  dropped = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: OutboxLimits,
  ) {
    // The tables come from the schema migrations (station-schema.ts), run when the database is opened.
    this.insert = db.prepare('INSERT INTO outbox (seq, topic, payload, kind, sent_at) VALUES (?, ?, ?, ?, NULL)');
    this.getSeq = db.prepare("SELECT value FROM meta WHERE key = 'seq'").pluck();
    this.setSeq = db.prepare(
      "INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    this.deleteUpTo = db.prepare('DELETE FROM outbox WHERE seq <= ?');
    this.due = db.prepare(
      'SELECT seq, topic, payload, kind, sent_at AS sentAt FROM outbox WHERE sent_at IS NULL OR sent_at < ? ORDER BY seq LIMIT ?',
    );
    this.markSent = db.prepare('UPDATE outbox SET sent_at = ? WHERE seq = ?');
    this.newest = db.prepare(
      'SELECT seq, topic, payload, kind, sent_at AS sentAt FROM outbox WHERE sent_at IS NULL ORDER BY seq DESC LIMIT ?',
    );
    this.count = db.prepare("SELECT count(*) FROM outbox WHERE kind != 'thinned'").pluck();
    this.thin = db.prepare("SELECT seq FROM outbox WHERE kind = 'telemetry' ORDER BY seq LIMIT ?").pluck();
    this.unsend = db.prepare('UPDATE outbox SET sent_at = NULL');
    this.thinOne = db.prepare("UPDATE outbox SET kind = 'thinned', payload = ? WHERE seq = ?");
    this.getPayload = db.prepare('SELECT payload FROM outbox WHERE seq = ?').pluck();
    this.appendTx = db.transaction((build) => {
      const seq = this.lastSeq() + 1;
      const m = build(seq);
      this.insert.run(seq, m.topic, m.payload, m.kind);
      this.setSeq.run(seq);
      return seq;
    });
  }

  /** Highest seq ever given out; survives restarts, so a seq is never reused. */
  lastSeq(): number {
    return (this.getSeq.get() as number | undefined) ?? 0;
  }

  /** Allocates the next seq and stores the message built with it, in one transaction. */
  append(build: (seq: number) => { topic: string; payload: string; kind: 'telemetry' | 'event' }): number {
    const seq = this.appendTx(build);
    if (this.size() > this.limits.maxMessages) this.makeRoom();
    return seq;
  }

  /**
   * Thins the oldest telemetry: every other one among the oldest, so what remains still spans the outage,
   * at lower resolution. Events are never dropped.
   */
  private makeRoom(): void {
    // Make room for a tenth of the limit at once, so thinning runs rarely and spreads evenly over the old part.
    const over = this.size() - Math.floor(this.limits.maxMessages * 0.9);
    const oldest = this.thin.all(over * 2) as number[];
    const victims = oldest.filter((_, i) => i % 2 === 1);
    // The seq must still reach the central store, or its ack would stop there for good: keep a placeholder.
    this.db.transaction(() => {
      for (const seq of victims) {
        const { stationId, ts } = JSON.parse(this.getPayload.get(seq) as string) as { stationId: string; ts: number };
        this.thinOne.run(JSON.stringify({ stationId, ts, seq, docks: [], thinned: true }), seq);
      }
    })();
    this.dropped += victims.length;
  }

  /** The central store has everything up to `seq`: forget it. */
  acknowledge(seq: number): number {
    return this.deleteUpTo.run(seq).changes;
  }

  /** Messages never sent, or sent before `resendBefore` and still unacknowledged, oldest first. */
  dueMessages(resendBefore: number, limit: number): OutboxRow[] {
    return this.due.all(resendBefore, limit) as OutboxRow[];
  }

  /** The newest messages never sent yet, newest first: live data goes out ahead of a backlog. */
  newestUnsent(limit: number): OutboxRow[] {
    return this.newest.all(limit) as OutboxRow[];
  }

  markPublished(seq: number, at: number): void {
    this.markSent.run(at, seq);
  }

  /** After a reconnect nothing in flight can be trusted to arrive: send everything again (the ingester dedups). */
  resendAll(): void {
    this.unsend.run();
  }

  size(): number {
    return this.count.get() as number;
  }
}
