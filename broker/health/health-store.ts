// Writes and reads the battery-health tables: a charge-session event is stored once (its key drops a re-sent copy)
// and the pack's estimates are recombined from all its sessions in the same transaction.

import type { Database, Statement } from 'better-sqlite3';
import {
  CHARGE_SESSION_EVENT,
  batteryEstimatesSchema,
  chargeSessionSchema,
  type BatteryEstimates,
  type ChargeSession,
} from '../../contract/battery-health.ts';
import { estimateHealth } from './estimates.ts';

export interface EstimatePoint {
  ts: number;
  sohPct: number | null;
  sohUncertainty: number | null;
  resistanceMOhm: number | null;
  resistanceUncertainty: number | null;
  cycles: number | null;
}

export interface StoredSession {
  stationId: string;
  seq: number;
  session: ChargeSession;
}

/** Quick look before parsing: only events that can be charge sessions are decoded. */
const MARKER = `"${CHARGE_SESSION_EVENT}"`;

export class HealthStore {
  private readonly s: Record<
    'insert' | 'sessionsOf' | 'upsertEstimates' | 'estimatesOf' | 'allEstimates' | 'history' | 'insertHistory',
    Statement
  >;

  constructor(private readonly db: Database) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      insert:
        p(`INSERT OR IGNORE INTO charge_sessions (battery_id, ended_at, station_id, seq, dock, started_at, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      sessionsOf: p(`SELECT station_id AS stationId, seq, payload FROM charge_sessions WHERE battery_id = ?
        ORDER BY ended_at`),
      upsertEstimates: p(`INSERT INTO battery_estimates (battery_id, updated_at, soh_pct, resistance_mohm, payload)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT(battery_id) DO UPDATE SET updated_at = excluded.updated_at,
        soh_pct = excluded.soh_pct, resistance_mohm = excluded.resistance_mohm, payload = excluded.payload`),
      estimatesOf: p('SELECT payload FROM battery_estimates WHERE battery_id = ?').pluck(),
      allEstimates: p('SELECT battery_id AS batteryId, payload FROM battery_estimates'),
      insertHistory: p(`INSERT OR REPLACE INTO battery_estimate_history
        (battery_id, ts, soh_pct, soh_uncertainty, resistance_mohm, resistance_uncertainty, cycles) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      history: p(`SELECT ts, soh_pct AS sohPct, soh_uncertainty AS sohUncertainty, resistance_mohm AS resistanceMOhm,
        resistance_uncertainty AS resistanceUncertainty, cycles FROM battery_estimate_history WHERE battery_id = ? ORDER BY ts`),
    };
  }

  /**
   * Looks at a newly stored event; a charge session is kept and the pack's estimates recombined. Returns the
   * battery id it touched, or null. A session that fails its schema is ignored here (the event itself is stored).
   */
  onEvent(stationId: string, seq: number, payload: string | Buffer): string | null {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    if (!text.includes(MARKER)) return null;
    let data: unknown;
    try {
      const msg = JSON.parse(text) as { type?: unknown; data?: unknown };
      if (msg.type !== CHARGE_SESSION_EVENT) return null;
      data = msg.data;
    } catch {
      return null;
    }
    const parsed = chargeSessionSchema.safeParse(data);
    if (!parsed.success) return null;
    this.addSession(stationId, seq, parsed.data);
    return parsed.data.batteryId;
  }

  addSession(stationId: string, seq: number, s: ChargeSession): void {
    const res = this.s.insert.run(s.batteryId, s.endedAt, stationId, seq, s.dock, s.startedAt, JSON.stringify(s));
    if (res.changes === 0) return;
    const e = estimateHealth(this.sessions(s.batteryId).map((x) => x.session));
    this.s.upsertEstimates.run(
      s.batteryId,
      s.endedAt,
      e.stateOfHealth.value,
      e.internalResistance.value,
      JSON.stringify(e),
    );
    this.s.insertHistory.run(
      s.batteryId,
      s.endedAt,
      e.stateOfHealth.value,
      e.stateOfHealth.uncertainty,
      e.internalResistance.value,
      e.internalResistance.uncertainty,
      e.equivalentCycles.value,
    );
  }

  sessions(batteryId: string): StoredSession[] {
    return (this.s.sessionsOf.all(batteryId) as { stationId: string; seq: number; payload: string }[]).map((r) => ({
      stationId: r.stationId,
      seq: r.seq,
      session: JSON.parse(r.payload) as ChargeSession,
    }));
  }

  /** The pack's combined estimates, or the "not enough data" answer of a pack with no session yet. */
  estimates(batteryId: string): BatteryEstimates {
    const raw = this.s.estimatesOf.get(batteryId) as string | undefined;
    return raw ? batteryEstimatesSchema.parse(JSON.parse(raw)) : estimateHealth([]);
  }

  allEstimates(): Map<string, BatteryEstimates> {
    const rows = this.s.allEstimates.all() as { batteryId: string; payload: string }[];
    return new Map(rows.map((r) => [r.batteryId, JSON.parse(r.payload) as BatteryEstimates]));
  }

  history(batteryId: string): EstimatePoint[] {
    return this.s.history.all(batteryId) as EstimatePoint[];
  }
}
