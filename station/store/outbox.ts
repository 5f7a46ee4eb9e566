// The station's durable outbox: every telemetry and event message gets its persistent seq and is stored here
// before it is published; it leaves only when the central store's ack covers it (a broker PUBACK is not enough).

import type Database from 'better-sqlite3';
import { isStoreFull, StoreFullError } from './store-space.ts';

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

/**
 * Called when a message does not fit (SQLITE_FULL): frees something the message may displace and says whether it
 * did. Telemetry may displace history; an event also older telemetry and the reserve (station/store/store-space.ts).
 */
export type MakeRoom = (kind: 'telemetry' | 'event', outbox: Outbox) => boolean;

/** Attempts per message at most; each frees a chunk, so a few are plenty when anything is left to free. */
const MAX_ROOM_ATTEMPTS = 16;

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
    private readonly room?: MakeRoom,
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

  /**
   * Allocates the next seq and stores the message built with it, in one transaction. On a full database it makes
   * room and tries again; a StoreFullError means nothing was stored and no seq given out.
   */
  append(build: (seq: number) => { topic: string; payload: string; kind: 'telemetry' | 'event' }): number {
    let kind: 'telemetry' | 'event' = 'telemetry';
    const built = (seq: number) => {
      const m = build(seq);
      kind = m.kind;
      return m;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const seq = this.appendTx(built);
        if (this.size() > this.limits.maxMessages) this.whileFull(() => this.makeRoom());
        return seq;
      } catch (err) {
        if (!isStoreFull(err)) throw err;
        if (attempt >= MAX_ROOM_ATTEMPTS || !this.room?.(kind, this)) throw new StoreFullError(kind, err);
      }
    }
  }

  /** Thins the oldest `n` full telemetry messages to placeholders, to make room for an event; false if none. */
  thinOldest(n: number): boolean {
    const seqs = this.thin.all(n) as number[];
    this.thinSeqs(seqs);
    return seqs.length > 0;
  }

  /** Bookkeeping that may fail on a full database without harm (a mark lost means one more resend). */
  private whileFull(write: () => void): void {
    try {
      write();
    } catch (err) {
      if (!isStoreFull(err)) throw err;
    }
  }

  /**
   * Thins the oldest telemetry: every other one among the oldest, so what remains still spans the outage,
   * at lower resolution. Events are never dropped.
   */
  private makeRoom(): void {
    // Make room for a tenth of the limit at once, so thinning runs rarely and spreads evenly over the old part.
    const over = this.size() - Math.floor(this.limits.maxMessages * 0.9);
    const oldest = this.thin.all(over * 2) as number[];
    this.thinSeqs(oldest.filter((_, i) => i % 2 === 1));
  }

  private thinSeqs(victims: readonly number[]): void {
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
    this.whileFull(() => this.markSent.run(at, seq));
  }

  /** After a reconnect nothing in flight can be trusted to arrive: send everything again (the ingester dedups). */
  resendAll(): void {
    this.whileFull(() => this.unsend.run());
  }

  size(): number {
    return this.count.get() as number;
  }
}
