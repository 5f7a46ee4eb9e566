// One ingest batch into the central store, in one transaction: messages deduplicated by (stationId, seq), status,
// latest telemetry and battery rows from the newest telemetry of each station, and each station's new ack seq.
// Plain data in, plain data out, so it runs the same in the broker's thread (tests) or in the write worker.
//
// Ack rule: a station's history starts at its first_seq (1 unless declared otherwise with setFirstSeq; a seq
// counter starts at 1). The ack seq is the highest seq such that every seq in [first_seq, ack] is settled: stored,
// or rejected with a readable envelope (kept with its reason, so one bad message cannot stall the outbox forever).
// The lowest seq *seen* is deliberately not taken as the start: an outbox that interleaves live telemetry with its
// backlog could show a high seq first, and acking from there would make the station forget its backlog.

import { telemetrySchema, type Telemetry } from '../../contract/messages.ts';
import { HealthStore } from '../health/health-store.ts';
import { BatteryClaims } from './battery-claims.ts';
import type { CentralDb, StationRow } from '../store/central-db.ts';
import { RickshawWriter } from '../rickshaws/rickshaw-writer.ts';
import { LogbookWriter } from '../trainees/logbook-writer.ts';

/**
 * A queued message as plain data. Its payload is either text (`payload`), or bytes `len` long at `off` in the
 * batch's packed buffer: payloads travel to the write worker as one transferred buffer, not as 500 cloned strings,
 * and are decoded there.
 */
export type BatchItem = (
  | { t: 'data'; kind: 'telemetry' | 'event'; stationId: string; seq: number; ts: number; receivedAt: number }
  | { t: 'rejected'; stationId: string; seq: number; ts: number; receivedAt: number }
  | { t: 'status'; stationId: string; online: boolean; ts: number; receivedAt: number }
) & { payload: string | null; off: number; len: number };

/** A batch: the items and the buffer their packed payloads live in (filled by batch-queue.ts). */
export interface Batch {
  items: BatchItem[];
  packed: Uint8Array;
}

export interface BatchResult {
  size: number;
  inserted: number;
  duplicates: number;
  /** Stored per kind; counted into the metrics per batch after the commit, not per message. */
  ingested: { telemetry: number; event: number; status: number };
  /** Acks to publish now: stations whose ack moved, or that need it again (re-sent acked seqs, came online). */
  acks: Array<{ stationId: string; seq: number }>;
}

interface Touched {
  row: StationRow;
  prevAck: number;
  /** The station re-sent something already acked (it probably missed the ack), or just came online. */
  reAck: boolean;
}

export class BatchWriter {
  private readonly lastSample = new Map<string, number>();
  private readonly health: HealthStore;

  private readonly rickshaws: RickshawWriter;
  private readonly claims: BatteryClaims;
  private readonly logbook: LogbookWriter;

  constructor(
    private readonly db: CentralDb,
    /** One stored history sample per battery per this interval (ms), taken from telemetry. */
    private readonly batterySampleMs = 5000,
    /** Most a rickshaw rides in a day (km): odometer readings past it are flagged (see rickshaws/odometer-guard.ts). */
    rickshawMaxDailyKm?: number,
  ) {
    this.rickshaws = new RickshawWriter(db.db, rickshawMaxDailyKm);
    this.claims = new BatteryClaims(db.db);
    this.health = new HealthStore(db.db);
    this.logbook = new LogbookWriter(db.db);
  }

  /** Writes the batch in one transaction; throws (nothing written, nothing acked) if the transaction fails. */
  write({ items, packed }: Batch): BatchResult {
    const result: BatchResult = {
      size: items.length,
      inserted: 0,
      duplicates: 0,
      ingested: { telemetry: 0, event: 0, status: 0 },
      acks: [],
    };
    if (items.length === 0) return result;
    const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
    // The bytes as received go to SQLite as they are; only the few payloads parsed here are decoded.
    const raw = (item: BatchItem): string | Buffer => item.payload ?? bytes.subarray(item.off, item.off + item.len);
    const touched = this.db.tx(() => this.writeTx(items, raw, result));
    for (const [stationId, t] of touched) {
      if (t.row.ackSeq >= t.row.firstSeq && (t.row.ackSeq > t.prevAck || t.reAck))
        result.acks.push({ stationId, seq: t.row.ackSeq });
    }
    return result;
  }

  private writeTx(
    batch: readonly BatchItem[],
    raw: (item: BatchItem) => string | Buffer,
    result: BatchResult,
  ): Map<string, Touched> {
    const db = this.db;
    const touched = new Map<string, Touched>();
    const ingested = result.ingested;
    const latest = new Map<string, { seq: number; ts: number; receivedAt: number; payload: string | Buffer }>();
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
      const payload = raw(item);
      if (item.t === 'status') {
        db.upsertStatus(item.stationId, item.online, item.ts, item.receivedAt, payload);
        ingested.status += 1;
        // A station coming (back) online gets the current ack, so it can prune its outbox at once.
        if (item.online) t.reAck = true;
        continue;
      }
      const kind = item.t === 'rejected' ? 'rejected' : item.kind;
      const res = db.insertMessage(item.stationId, item.seq, kind, item.ts, item.receivedAt, payload);
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
        if (item.kind === 'event') this.rickshaws.applyPayload(item.stationId, payload);
        // A charge session (stored once: a duplicate never gets here) updates its pack's health estimates.
        if (item.kind === 'event') this.health.onEvent(item.stationId, item.seq, payload);
        // A guided procedure's start, steps and end make up its logbook entry.
        if (item.kind === 'event') this.logbook.applyPayload(item.stationId, payload);
        const cur = latest.get(item.stationId);
        if (item.kind === 'telemetry' && (!cur || item.seq > cur.seq))
          latest.set(item.stationId, { seq: item.seq, ts: item.ts, receivedAt: item.receivedAt, payload });
      }
    }
    // Every station's latest telemetry first: whether a battery moved is judged on what its holder reports now.
    const texts = new Map<string, string>();
    for (const [stationId, l] of latest) {
      const text = typeof l.payload === 'string' ? l.payload : l.payload.toString('utf8');
      texts.set(stationId, text);
      db.upsertLatestTelemetry(stationId, l.seq, l.ts, l.receivedAt, text);
    }
    for (const [stationId, l] of latest) {
      // Parsed (through zod, which also strips unknown keys) for the newest message of the station only.
      const tel = telemetrySchema.parse(JSON.parse(texts.get(stationId) ?? ''));
      this.writeBatteries(stationId, l.seq, tel, l.receivedAt);
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
      const seqs = this.db.seqsAfter(stationId, ack, page);
      for (const s of seqs) {
        if (s !== ack + 1) return ack;
        ack = s;
      }
      if (seqs.length < page) return ack;
    }
  }

  /** Latest battery rows come from the newest telemetry of the batch only: a battery per dock, not per message. */
  private writeBatteries(stationId: string, seq: number, tel: Telemetry, receivedAt: number): void {
    const db = this.db;
    for (const d of tel.docks) {
      const b = d.battery;
      if (!b) continue;
      // Another station still reports this battery: a conflict, recorded as such; nothing of this claim is stored.
      if (!this.claims.mayWrite(b.id, stationId, d.dock, receivedAt)) continue;
      const maxTemp = b.tempsC.length ? Math.max(...b.tempsC) : null;
      db.upsertBattery(b.id, stationId, d.dock, tel.ts, seq, JSON.stringify(b), maxTemp);
      const last = this.lastSample.get(b.id);
      if (last !== undefined && tel.ts - last < this.batterySampleMs && tel.ts >= last) continue;
      this.lastSample.set(b.id, tel.ts);
      db.insertBatterySample({
        batteryId: b.id,
        ts: tel.ts,
        stationId,
        dock: d.dock,
        socPct: b.socPct,
        voltageV: b.voltageV,
        currentA: b.currentA,
        cellMinV: b.cellsV.length ? Math.min(...b.cellsV) : null,
        cellMaxV: b.cellsV.length ? Math.max(...b.cellsV) : null,
        tempMaxC: maxTemp,
        cycles: b.cycles,
      });
    }
  }
}
