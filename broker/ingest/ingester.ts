// Central ingestion: validated telemetry, events and status go into a bounded batch queue, written in one SQLite
// transaction per batch (every flushIntervalMs or maxBatch messages), deduplicated by (stationId, seq). After the
// commit, each station whose ack seq moved gets `rikscha/v1/<id>/ack` { stationId, ts, seq } at QoS 1.
//
// Ack rule: a station's history starts at its first_seq (1 unless declared otherwise with setFirstSeq; a seq
// counter starts at 1). The ack seq is the highest seq such that every seq in [first_seq, ack] is settled: stored,
// or rejected with a readable envelope (kept with its reason, so one bad message cannot stall the outbox forever).
// The lowest seq *seen* is deliberately not taken as the start: an outbox that interleaves live telemetry with its
// backlog could show a high seq first, and acking from there would make the station forget its backlog.

import type { Logger } from 'pino';
import type { Telemetry } from '../../contract/messages.ts';
import { topics } from '../../contract/topics.ts';
import type { Clock, TimerHandle } from '../../firmware-bridge/clock/clock.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CentralDb, StationRow } from '../store/central-db.ts';
import type { Validated } from './validate.ts';

/** Where acks go: the embedded broker (aedes.publish) or the external-broker client. */
export type AckPublisher = (topic: string, payload: string) => Promise<void>;

export interface IngesterOptions {
  db: CentralDb;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Longest a message waits in the queue before its batch is written (ms). Default 100. */
  flushIntervalMs?: number;
  /** Messages per transaction; reaching it writes the batch at once, so the queue never holds more. Default 500. */
  maxBatch?: number;
  /** One stored history sample per battery per this interval (ms), taken from telemetry. Default 5000. */
  batterySampleMs?: number;
}

type QueueItem =
  | { t: 'data'; kind: 'telemetry' | 'event'; stationId: string; seq: number; ts: number; payload: string; receivedAt: number; telemetry?: Telemetry }
  | { t: 'rejected'; stationId: string; seq: number; ts: number; payload: string; receivedAt: number }
  | { t: 'status'; stationId: string; online: boolean; ts: number; payload: string; receivedAt: number };

interface Touched {
  row: StationRow;
  prevAck: number;
  /** The station re-sent something already acked (it probably missed the ack), or just came online. */
  reAck: boolean;
}

export interface BatchResult {
  size: number;
  inserted: number;
  duplicates: number;
  /** Stored per kind; counted into the metrics per batch after the commit, not per message. */
  ingested: { telemetry: number; event: number; status: number };
  acks: Array<{ stationId: string; seq: number }>;
}

const M = {
  ingested: 'rikscha_messages_ingested_total',
  duplicates: 'rikscha_duplicates_dropped_total',
  batch: 'rikscha_ingest_batch_size',
  failures: 'rikscha_ingest_batch_failures_total',
  dropped: 'rikscha_ingest_dropped_total',
  acks: 'rikscha_acks_published_total',
} as const;

export class Ingester {
  private queue: QueueItem[] = [];
  private timer: TimerHandle | null = null;
  private closed = false;
  private ackPublisher: AckPublisher | null = null;
  private readonly pendingAcks = new Set<Promise<void>>();
  private readonly lastSample = new Map<string, number>();
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly batterySampleMs: number;
  private readonly log: Logger;

  constructor(private readonly opts: IngesterOptions) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 500;
    this.batterySampleMs = opts.batterySampleMs ?? 5000;
    this.log = opts.log;
    const m = opts.metrics;
    m.counter(M.ingested, 'Messages stored centrally, by kind', [{ kind: 'telemetry' }, { kind: 'event' }, { kind: 'status' }]);
    m.counter(M.duplicates, 'Messages dropped because their (stationId, seq) was already stored');
    m.histogram(M.batch, 'Messages per ingest transaction', [1, 10, 50, 100, 250, 500, 1000]);
    m.counter(M.failures, 'Ingest transactions that failed (their messages are re-sent by the stations)');
    m.counter(M.dropped, 'Messages refused because the ingester was closed');
    m.counter(M.acks, 'Acks published to stations');
  }

  setAckPublisher(p: AckPublisher): void {
    this.ackPublisher = p;
  }

  /** Takes a validated message (or a rejection that settles a seq); false if it was not taken (closed, or not ingestible). */
  offer(v: Validated, raw: Buffer): boolean {
    if (this.closed) {
      this.opts.metrics.inc(M.dropped);
      return false;
    }
    const receivedAt = this.opts.clock.now();
    let item: QueueItem;
    if (!v.ok) {
      if (v.seq === undefined || v.stationId === undefined) return false;
      const payload = JSON.stringify({ reason: v.reason, detail: v.detail, raw: raw.subarray(0, 2048).toString('utf8') });
      item = { t: 'rejected', stationId: v.stationId, seq: v.seq, ts: v.ts ?? 0, payload, receivedAt };
    } else if (v.kind === 'telemetry') {
      item = { t: 'data', kind: 'telemetry', stationId: v.msg.stationId, seq: v.msg.seq, ts: v.msg.ts, payload: raw.toString('utf8'), receivedAt, telemetry: v.msg };
    } else if (v.kind === 'event') {
      item = { t: 'data', kind: 'event', stationId: v.msg.stationId, seq: v.msg.seq, ts: v.msg.ts, payload: raw.toString('utf8'), receivedAt };
    } else if (v.kind === 'status') {
      item = { t: 'status', stationId: v.msg.stationId, online: v.msg.online, ts: v.msg.ts, payload: raw.toString('utf8'), receivedAt };
    } else {
      return false;
    }
    this.queue.push(item);
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.flushIntervalMs);
    return true;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Writes everything queued in one transaction, then publishes the acks. Synchronous (better-sqlite3). */
  flush(): BatchResult {
    this.timer?.cancel();
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    const result: BatchResult = { size: batch.length, inserted: 0, duplicates: 0, ingested: { telemetry: 0, event: 0, status: 0 }, acks: [] };
    if (batch.length === 0) return result;
    const m = this.opts.metrics;
    let touched: Map<string, Touched>;
    try {
      touched = this.opts.db.tx(() => this.write(batch, result));
    } catch (err) {
      // Nothing of the batch is acked, so every station sends it again; the failure itself must be loud.
      m.inc(M.failures);
      this.log.error({ err, size: batch.length }, 'ingest batch failed; stations will re-send');
      return { size: batch.length, inserted: 0, duplicates: 0, ingested: { telemetry: 0, event: 0, status: 0 }, acks: [] };
    }
    m.observe(M.batch, batch.length);
    m.inc(M.duplicates, {}, result.duplicates);
    for (const [kind, n] of Object.entries(result.ingested)) if (n) m.inc(M.ingested, { kind }, n);
    for (const [stationId, t] of touched) {
      if (t.row.ackSeq >= t.row.firstSeq && (t.row.ackSeq > t.prevAck || t.reAck)) {
        result.acks.push({ stationId, seq: t.row.ackSeq });
        this.publishAck(stationId, t.row.ackSeq);
      }
    }
    return result;
  }

  private write(batch: QueueItem[], result: BatchResult): Map<string, Touched> {
    const db = this.opts.db;
    const touched = new Map<string, Touched>();
    const ingested = result.ingested;
    const latest = new Map<string, { seq: number; ts: number; receivedAt: number; payload: string; telemetry: Telemetry }>();
    for (const item of batch) {
      let t = touched.get(item.stationId);
      if (!t) {
        db.ensureStation(item.stationId, item.receivedAt);
        const row = db.getStation(item.stationId);
        if (!row) throw new Error(`station row ${item.stationId} missing after insert`);
        t = { row, prevAck: row.ackSeq, reAck: false };
        touched.set(item.stationId, t);
      }
      const row = t.row;
      row.lastSeen = Math.max(row.lastSeen ?? 0, item.receivedAt);
      if (item.t === 'status') {
        db.upsertStatus(item.stationId, item.online, item.ts, item.receivedAt, item.payload);
        ingested.status += 1;
        // A station coming (back) online gets the current ack, so it can prune its outbox at once.
        if (item.online) t.reAck = true;
        continue;
      }
      const kind = item.t === 'rejected' ? 'rejected' : item.kind;
      const res = db.insertMessage(item.stationId, item.seq, kind, item.ts, item.receivedAt, item.payload);
      if (res === 'duplicate') {
        result.duplicates += 1;
        if (item.seq <= row.ackSeq) t.reAck = true;
        continue;
      }
      result.inserted += 1;
      if (res === 'inserted') {
        if (item.seq >= row.firstSeq) row.settledCount += 1;
        if (kind === 'rejected') row.rejectedCount += 1;
        row.highestSeq = Math.max(row.highestSeq ?? item.seq, item.seq);
      } else {
        row.rejectedCount -= 1; // a valid copy replaced a rejected row
      }
      if (item.t === 'data') {
        ingested[item.kind] += 1;
        const cur = latest.get(item.stationId);
        if (item.telemetry && (!cur || item.seq > cur.seq)) latest.set(item.stationId, { ...item, telemetry: item.telemetry });
      }
    }
    for (const [stationId, l] of latest) {
      db.upsertLatestTelemetry(stationId, l.seq, l.ts, l.receivedAt, l.payload);
      this.writeBatteries(stationId, l.seq, l.telemetry);
    }
    for (const [stationId, t] of touched) {
      t.row.ackSeq = this.advanceAck(stationId, Math.max(t.row.ackSeq, t.row.firstSeq - 1));
      db.updateStation(t.row);
    }
    return touched;
  }

  /** Walks the stored seqs upward from the current ack while they are contiguous. */
  private advanceAck(stationId: string, ack: number): number {
    const page = 1024;
    for (;;) {
      const seqs = this.opts.db.seqsAfter(stationId, ack, page);
      for (const s of seqs) {
        if (s !== ack + 1) return ack;
        ack = s;
      }
      if (seqs.length < page) return ack;
    }
  }

  /** Latest battery rows come from the newest telemetry of the batch only: a battery per dock, not per message. */
  private writeBatteries(stationId: string, seq: number, tel: Telemetry): void {
    const db = this.opts.db;
    for (const d of tel.docks) {
      const b = d.battery;
      if (!b) continue;
      const maxTemp = b.tempsC.length ? Math.max(...b.tempsC) : null;
      db.upsertBattery(b.id, stationId, d.dock, tel.ts, seq, JSON.stringify(b), maxTemp);
      const last = this.lastSample.get(b.id);
      if (last !== undefined && tel.ts - last < this.batterySampleMs && tel.ts >= last) continue;
      this.lastSample.set(b.id, tel.ts);
      db.insertBatterySample({
        batteryId: b.id, ts: tel.ts, stationId, dock: d.dock, socPct: b.socPct, voltageV: b.voltageV, currentA: b.currentA,
        cellMinV: b.cellsV.length ? Math.min(...b.cellsV) : null, cellMaxV: b.cellsV.length ? Math.max(...b.cellsV) : null,
        tempMaxC: maxTemp, cycles: b.cycles,
      });
    }
  }

  private publishAck(stationId: string, seq: number): void {
    const pub = this.ackPublisher;
    if (!pub) return;
    const payload = JSON.stringify({ stationId, ts: this.opts.clock.now(), seq });
    const p = pub(topics.ack(stationId), payload)
      .then(() => this.opts.metrics.inc(M.acks))
      .catch((err: unknown) => this.log.warn({ stationId, seq, err: (err as Error).message }, 'ack publish failed; the next batch or re-send acks again'))
      .finally(() => this.pendingAcks.delete(p));
    this.pendingAcks.add(p);
  }

  /** Stops taking messages, writes what is queued and waits for the ack publishes in flight. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.pendingAcks]);
  }
}
