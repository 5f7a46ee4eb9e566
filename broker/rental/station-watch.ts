// Reads what a booking's station reported, in seq order: its `booking-reserved` / `booking-at-risk` event names the
// docks the planner picked; a later telemetry reading that shows one of those docks empty records the take (which
// pack left, from which dock, at the reading's time). Only what a stored reading confirms is recorded.

import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { repeatEvery, type Repeater } from '../../lib/repeat-every.ts';
import type { StationEvent, Telemetry } from '../../contract/messages.ts';

interface OpenBooking {
  id: string;
  stationId: string;
  seqBase: number;
  reservedSeq: number | null;
  docks: number[];
}

const RESERVE_EVENTS = new Set(['booking-reserved', 'booking-at-risk']);
/** Messages read per station per round: a long backlog is caught up over several rounds. */
const ROWS_PER_ROUND = 2000;

export class StationWatch {
  /** Per station: the last seq read, and which pack each dock held in the reading before it. */
  private readonly cursor = new Map<string, { seq: number; docks: Map<number, string | null> }>();
  private readonly q: Record<'open' | 'rows' | 'before' | 'reserved' | 'take' | 'taken', Statement>;
  private repeater: Repeater | null = null;

  constructor(
    private readonly deps: { db: Database; clock: Clock; log: Logger; intervalMs: number; changed: () => void },
  ) {
    const db = deps.db;
    this.q = {
      open: db.prepare(`SELECT b.id, b.station_id AS stationId, w.seq_base AS seqBase, w.reserved_seq AS reservedSeq,
        b.reserved_docks AS docks FROM rental_bookings b JOIN rental_watch w ON w.booking_id = b.id
        WHERE b.state IN ('booked', 'out') AND b.packs > 0 AND b.reservation != 'removed'`),
      rows: db.prepare(`SELECT seq, kind, payload FROM messages WHERE station_id = ? AND seq > ?
        AND kind IN ('telemetry', 'event') ORDER BY seq LIMIT ${ROWS_PER_ROUND}`),
      before: db.prepare(`SELECT payload FROM messages WHERE station_id = ? AND seq <= ? AND kind = 'telemetry'
        ORDER BY seq DESC LIMIT 1`),
      reserved: db.prepare(`UPDATE rental_bookings SET reserved_docks = ?,
        reservation = CASE WHEN reservation = 'pending' THEN 'reserved' ELSE reservation END WHERE id = ?`),
      take: db.prepare(`INSERT OR IGNORE INTO rental_station_takes (booking_id, station_id, dock, pack_id, at, seq)
        VALUES (?, ?, ?, ?, ?, ?)`),
      taken: db.prepare('UPDATE rental_watch SET reserved_seq = ? WHERE booking_id = ?'),
    };
  }

  /** One pass over every station with an open booking; one transaction per station. Returns rows written. */
  check(): number {
    const open = (this.q.open.all() as Array<Omit<OpenBooking, 'docks'> & { docks: string }>).map((b) => ({
      ...b,
      docks: JSON.parse(b.docks) as number[],
    }));
    const byStation = new Map<string, OpenBooking[]>();
    for (const b of open) byStation.set(b.stationId, [...(byStation.get(b.stationId) ?? []), b]);
    for (const id of this.cursor.keys()) if (!byStation.has(id)) this.cursor.delete(id);
    let written = 0;
    for (const [stationId, bookings] of byStation) {
      written += this.deps.db.transaction(() => this.station(stationId, bookings)).immediate();
    }
    if (written > 0) this.deps.changed();
    return written;
  }

  private station(stationId: string, bookings: OpenBooking[]): number {
    let c = this.cursor.get(stationId);
    if (!c) {
      const seq = Math.min(...bookings.map((b) => b.seqBase));
      c = { seq, docks: this.docksAt(stationId, seq) };
      this.cursor.set(stationId, c);
    }
    let written = 0;
    const rows = this.q.rows.all(stationId, c.seq) as Array<{ seq: number; kind: string; payload: string }>;
    for (const row of rows) {
      c.seq = row.seq;
      if (row.kind === 'event') {
        const e = JSON.parse(row.payload) as StationEvent;
        const b = bookings.find((x) => x.id === e.data?.['bookingId']);
        if (!b || !RESERVE_EVENTS.has(e.type) || row.seq <= b.seqBase) continue;
        const docks = Array.isArray(e.data?.['docks']) ? (e.data['docks'] as unknown[]).filter(isDock) : [];
        this.q.reserved.run(JSON.stringify(docks), b.id);
        this.q.taken.run(row.seq, b.id);
        b.docks = docks;
        b.reservedSeq = row.seq;
        written++;
        continue;
      }
      const t = JSON.parse(row.payload) as Telemetry;
      for (const d of t.docks) {
        const before = c.docks.get(d.dock) ?? null;
        const now = d.battery?.id ?? null;
        c.docks.set(d.dock, now);
        if (before === null || now !== null) continue;
        for (const b of bookings) {
          if (b.reservedSeq === null || b.reservedSeq >= row.seq || !b.docks.includes(d.dock)) continue;
          const r = this.q.take.run(b.id, stationId, d.dock, before, t.ts, row.seq);
          if (r.changes > 0) {
            written++;
            this.deps.log.info({ booking: b.id, stationId, dock: d.dock, pack: before, at: t.ts }, 'pack taken');
          }
        }
      }
    }
    return written;
  }

  /** Which pack each dock held in the station's last telemetry at or before `seq`. */
  private docksAt(stationId: string, seq: number): Map<number, string | null> {
    const payload = this.q.before.get(stationId, seq) as { payload: string } | undefined;
    const docks = new Map<number, string | null>();
    if (payload)
      for (const d of (JSON.parse(payload.payload) as Telemetry).docks) docks.set(d.dock, d.battery?.id ?? null);
    return docks;
  }

  start(): void {
    this.repeater ??= repeatEvery(
      this.deps.clock,
      this.deps.intervalMs,
      () => this.check(),
      (err) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'station watch failed'),
    );
  }

  stop(): void {
    void this.repeater?.stop();
    this.repeater = null;
  }
}

const isDock = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
