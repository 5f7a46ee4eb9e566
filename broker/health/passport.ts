// A pack's passport: where it was (stays at docks, folded from the 15-minute history), its charge sessions, its
// alerts, its estimates now and over time, and the work done on it, in one answer.

import type { Database, Statement } from 'better-sqlite3';
import type { Passport } from '../../contract/battery-health.ts';
import type { AlertStore } from './alert-store.ts';
import type { HealthStore } from './health-store.ts';
import type { WorkRecords } from './work-records.ts';

/** Two sightings further apart than this start a new stay, even at the same dock (it went out and came back). */
const STAY_GAP_MS = 30 * 60_000;
const QUARTER_MS = 15 * 60_000;

export class Passports {
  private readonly quarters: Statement;
  private readonly latest: Statement;

  constructor(
    db: Database,
    private readonly health: HealthStore,
    private readonly alerts: AlertStore,
    private readonly work: WorkRecords,
  ) {
    this.quarters = db.prepare(
      'SELECT bucket, station_id AS stationId, dock FROM battery_quarters WHERE battery_id = ? ORDER BY bucket',
    );
    this.latest = db.prepare('SELECT ts, payload FROM batteries WHERE battery_id = ?');
  }

  /** The passport, or null for a pack the central store has never seen. */
  of(batteryId: string): Passport | null {
    const latest = this.latest.get(batteryId) as { ts: number; payload: string } | undefined;
    const sessions = this.health.sessions(batteryId);
    const work = this.work.of(batteryId);
    if (!latest && sessions.length === 0 && work.length === 0) return null;
    const stays: Passport['stays'] = [];
    for (const q of this.quarters.all(batteryId) as { bucket: number; stationId: string; dock: number }[]) {
      const last = stays[stays.length - 1];
      if (last && last.stationId === q.stationId && last.dock === q.dock && q.bucket - last.to <= STAY_GAP_MS)
        last.to = q.bucket + QUARTER_MS;
      else stays.push({ stationId: q.stationId, dock: q.dock, from: q.bucket, to: q.bucket + QUARTER_MS });
    }
    const nominal = latest ? (JSON.parse(latest.payload) as { nominalAh?: number }).nominalAh : undefined;
    const firstSession = sessions[0]?.session.startedAt ?? null;
    const firstStay = stays[0]?.from ?? null;
    return {
      batteryId,
      retired: work.some((w) => w.kind === 'retired'),
      firstSeen: firstStay === null ? firstSession : Math.min(firstStay, firstSession ?? firstStay),
      lastSeen: latest?.ts ?? null,
      nominalAh: nominal ?? sessions[sessions.length - 1]?.session.nominalAh ?? null,
      stays,
      sessions: sessions.map((s) => ({ ...s.session, stationId: s.stationId })),
      alerts: this.alerts.ofSubject('battery', batteryId),
      estimates: this.health.estimates(batteryId),
      trend: this.health.history(batteryId),
      workRecords: work,
    };
  }
}
