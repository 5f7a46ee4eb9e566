// Central ingestion: validated telemetry, events and status go into a bounded batch queue, written in one SQLite
// transaction per batch (every flushIntervalMs or maxBatch messages), deduplicated by (stationId, seq); after the
// commit, each station whose ack seq moved gets `rikscha/v1/<id>/ack` { stationId, ts, seq } at QoS 1.
// The transaction itself (batch-writer.ts) runs inline, or in the write worker thread (write-worker-client.ts) with two
// batches handed over at a time; while the queue is over its bound, `writable()` tells the broker to hold the client.

import type { Logger } from 'pino';
import { topics } from '../../contract/topics.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CentralDb } from '../store/central-db.ts';
import { BatchQueue } from './batch-queue.ts';
import { BatchWriter, type BatchItem, type BatchResult } from './batch-writer.ts';
import { REJECT_REASONS, type Validated } from './validate.ts';
import { REJECTED_METRIC } from './rejections.ts';
import type { WriteWorkerClient } from './write-worker-client.ts';

export type { BatchResult };

/** Where acks go: the embedded broker (aedes.publish) or the external-broker client. */
export type AckPublisher = (topic: string, payload: string) => Promise<void>;

export interface IngesterOptions {
  db: CentralDb;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Longest a message waits in the queue before its batch is written (ms). Default 100. */
  flushIntervalMs?: number;
  /**
   * Messages per transaction; reaching it writes the batch at once. Default 2000: under load each batch also
   * carries per-station work (ack walk, latest telemetry, battery rows, one ack publish per station), so fuller
   * batches were measured 15-45% faster than 500 with 50 stations (bench/ingest.bench.ts).
   */
  maxBatch?: number;
  /** One stored history sample per battery per this interval (ms), taken from telemetry. Default 5000. */
  batterySampleMs?: number;
  /** Most a rickshaw rides in a day, km (odometer readings past it are flagged). Default 150. */
  rickshawMaxDailyKm?: number;
  /** Write batches in this worker thread instead of inline (the worker opens its own connection to db.path). */
  worker?: WriteWorkerClient;
  /** With a worker: messages queued behind the batch in flight before writable() holds the publishers. Default 4 x maxBatch. */
  maxQueued?: number;
}

/** Batches handed to the write worker at once: one being written, one waiting, so it never idles between them. */
const PIPELINE = 2;

const M = {
  ingested: 'rikscha_messages_ingested_total',
  duplicates: 'rikscha_duplicates_dropped_total',
  batch: 'rikscha_ingest_batch_size',
  failures: 'rikscha_ingest_batch_failures_total',
  dropped: 'rikscha_ingest_dropped_total',
  acks: 'rikscha_acks_published_total',
} as const;

export class Ingester {
  /** Queued items in batches, their payload bytes already packed (batch-queue.ts). */
  private readonly queue: BatchQueue;
  private timer: TimerHandle | null = null;
  private closed = false;
  private ackPublisher: AckPublisher | null = null;
  private readonly pendingAcks = new Set<Promise<void>>();
  private readonly inline: BatchWriter | null;
  /** The drain to the worker while it runs (see drainToWorker). */
  private inFlight: Promise<void> | null = null;
  private drained: { promise: Promise<void>; resolve: () => void } | null = null;
  /** The interval (or a caller) asked for what is queued to be written, full batch or not. */
  private flushDue = false;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly log: Logger;

  constructor(private readonly opts: IngesterOptions) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 2000;
    this.maxQueued = opts.maxQueued ?? 4 * this.maxBatch;
    this.queue = new BatchQueue(this.maxBatch);
    this.inline = opts.worker ? null : new BatchWriter(opts.db, opts.batterySampleMs, opts.rickshawMaxDailyKm);
    this.log = opts.log;
    const m = opts.metrics;
    m.counter(M.ingested, 'Messages stored centrally, by kind', [
      { kind: 'telemetry' },
      { kind: 'event' },
      { kind: 'status' },
    ]);
    m.counter(M.duplicates, 'Messages dropped because their (stationId, seq) was already stored');
    m.histogram(M.batch, 'Messages per ingest transaction', [1, 10, 50, 100, 250, 500, 1000, 2000]);
    m.counter(M.failures, 'Ingest transactions that failed (their messages are re-sent by the stations)');
    m.counter(M.dropped, 'Messages refused because the ingester was closed');
    m.counter(M.acks, 'Acks published to stations');
    m.counter(
      REJECTED_METRIC,
      'Payloads rejected by validation, by reason',
      REJECT_REASONS.map((reason) => ({ reason })),
    );
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
    let item: BatchItem;
    const outOfRange = v.ok && (v.kind === 'telemetry' || v.kind === 'event') && !tsInRange(v.env.ts, receivedAt);
    if (outOfRange) {
      // A ts far from the receive time would make the message the "newest" (or oldest) for good: it is kept as a
      // rejected row, counted, and its seq settles; nothing of it reaches the battery and history tables.
      this.opts.metrics.inc(REJECTED_METRIC, { reason: 'ts_out_of_range' });
      const env = v.env;
      const payload = JSON.stringify({
        reason: 'ts_out_of_range',
        detail: `ts ${env.ts} is ${Math.round((env.ts - receivedAt) / 1000)} s from the receive time`,
        raw: raw.subarray(0, 2048).toString('utf8'),
      });
      item = { t: 'rejected', stationId: env.stationId, seq: env.seq, ts: env.ts, receivedAt, payload, off: 0, len: 0 };
    } else if (!v.ok) {
      if (v.seq === undefined || v.stationId === undefined) return false;
      const payload = JSON.stringify({
        reason: v.reason,
        detail: v.detail,
        raw: raw.subarray(0, 2048).toString('utf8'),
      });
      item = { t: 'rejected', stationId: v.stationId, seq: v.seq, ts: v.ts ?? 0, receivedAt, payload, off: 0, len: 0 };
    } else if (v.kind === 'telemetry') {
      // The content is parsed by the writer, for the newest telemetry of each station in the batch only.
      const { env } = v;
      item = {
        t: 'data',
        kind: 'telemetry',
        stationId: env.stationId,
        seq: env.seq,
        ts: env.ts,
        receivedAt,
        payload: null,
        off: 0,
        len: 0,
      };
    } else if (v.kind === 'event') {
      item = {
        t: 'data',
        kind: 'event',
        stationId: v.env.stationId,
        seq: v.env.seq,
        ts: v.env.ts,
        receivedAt,
        payload: null,
        off: 0,
        len: 0,
      };
    } else if (v.kind === 'status') {
      item = {
        t: 'status',
        stationId: v.env.stationId,
        online: v.msg.online,
        ts: v.env.ts,
        receivedAt,
        payload: null,
        off: 0,
        len: 0,
      };
    } else {
      return false;
    }
    this.queue.push(item, item.payload === null ? raw : null);
    if (this.queue.hasFull) this.flush();
    else this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.flushIntervalMs);
    return true;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * With a worker, resolves when the queue is back under its bound; null when there is room (the common case).
   * The embedded broker waits on it before finishing a publish, which stops reading from that client.
   */
  writable(): Promise<void> | null {
    if (!this.opts.worker || this.queue.length < this.maxQueued) return null;
    if (!this.drained) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.drained = { promise, resolve };
    }
    return this.drained.promise;
  }

  /** Writes what is queued (inline: now, synchronously; worker: as soon as the pipeline to the worker has room). */
  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.inline) {
      for (let batch = this.queue.take(); batch; batch = this.queue.take()) {
        let result: BatchResult;
        try {
          result = this.inline.write(batch);
        } catch (err) {
          this.failed(err, batch.items.length);
          continue;
        } finally {
          this.queue.giveBack(batch.packed.buffer as ArrayBuffer);
        }
        this.committed(result);
      }
      return;
    }
    this.flushDue = true;
    this.inFlight ??= this.drainToWorker().finally(() => (this.inFlight = null));
  }

  /**
   * Sends batches to the worker while there is a full one (or anything, when a flush is due or on close), with up
   * to PIPELINE batches handed over at once so the worker never waits for the next one: it writes them in order,
   * so results (and acks) still come back in commit order.
   */
  private async drainToWorker(): Promise<void> {
    const worker = this.opts.worker as WriteWorkerClient;
    const writing: Array<Promise<void>> = [];
    for (;;) {
      while (
        this.queue.length > 0 &&
        writing.length < PIPELINE &&
        (this.flushDue || this.closed || this.queue.hasFull)
      ) {
        this.flushDue = false;
        const batch = this.queue.take();
        if (!batch) break;
        if (this.drained && this.queue.length < this.maxQueued) {
          this.drained.resolve();
          this.drained = null;
        }
        const size = batch.items.length;
        writing.push(
          worker.write(batch).then(
            (done) => {
              this.queue.giveBack(done.buffer);
              this.committed(done.result);
            },
            (err: unknown) => this.failed(err, size),
          ),
        );
      }
      const oldest = writing.shift();
      if (!oldest) break;
      await oldest;
    }
    // Below a full batch, let the interval gather more (fewer, fuller transactions).
    if (this.queue.length > 0 && !this.closed)
      this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  private failed(err: unknown, size: number): void {
    // Nothing of the batch is acked, so every station sends it again; the failure itself must be loud.
    this.opts.metrics.inc(M.failures);
    this.log.error(
      { err: err instanceof Error ? err.message : String(err), size },
      'ingest batch failed; stations will re-send',
    );
  }

  private committed(result: BatchResult): void {
    const m = this.opts.metrics;
    m.observe(M.batch, result.size);
    m.inc(M.duplicates, {}, result.duplicates);
    for (const [kind, n] of Object.entries(result.ingested)) if (n) m.inc(M.ingested, { kind }, n);
    for (const a of result.acks) this.publishAck(a.stationId, a.seq);
  }

  private publishAck(stationId: string, seq: number): void {
    const pub = this.ackPublisher;
    if (!pub) return;
    const payload = JSON.stringify({ stationId, ts: this.opts.clock.now(), seq });
    const p = pub(topics.ack(stationId), payload)
      .then(() => this.opts.metrics.inc(M.acks))
      .catch((err: unknown) =>
        this.log.warn(
          { stationId, seq, err: (err as Error).message },
          'ack publish failed; the next batch or re-send acks again',
        ),
      )
      .finally(() => this.pendingAcks.delete(p));
    this.pendingAcks.add(p);
  }

  /** Stops taking messages, writes what is queued and waits for the ack publishes in flight. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A batch in flight may have just decided to leave the rest to the timer: go round until nothing is left.
    while (this.queue.length > 0 || this.inFlight) {
      this.flush();
      await this.inFlight;
    }
    this.drained?.resolve();
    await Promise.allSettled([...this.pendingAcks]);
  }
}

/** How far a message's ts may be ahead of its receive time (clocks drift; 5 min is generous), ms. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** How old a message may be: any outbox backlog, but not a clock at 1970 (a Pi booted without network), ms. */
export const MAX_PAST_MS = 5 * 365 * 86_400_000;

export function tsInRange(ts: number, receivedAt: number): boolean {
  return ts <= receivedAt + MAX_FUTURE_MS && ts >= receivedAt - MAX_PAST_MS;
}
