// Rickshaw events into the rickshaw tables, inside the ingest batch's transaction: the registry row (odometer through
// the guard, where it was last seen, present or not, its fault), the fault history and the flagged readings.
// Events may come late (a station's backlog): only a reading newer than the stored one moves the odometer, and only
// an event newer than the last sighting moves the rickshaw.

import type { Database, Statement } from 'better-sqlite3';
import { eventSchema } from '../../contract/messages.ts';
import { readRickshawEvent, type RickshawEvent } from '../../contract/rickshaws.ts';
import { advanceOdometer, type OdometerState } from './odometer-guard.ts';

interface RickshawRow extends OdometerState {
  lastSeen: number | null;
}

/** Default most a rickshaw rides in a day, km: a reading further than this per day away is flagged. */
export const DEFAULT_MAX_DAILY_KM = 150;

function statements(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    ensure: p('INSERT OR IGNORE INTO rickshaws (hw_id, first_seen) VALUES (?, ?)'),
    get: p(`SELECT odometer_km AS odometerKm, last_tacho_km AS lastTachoKm, last_controller_km AS lastControllerKm,
      reading_ts AS readingTs, last_seen AS lastSeen, fault_code AS faultCode FROM rickshaws WHERE hw_id = ?`),
    reading: p(`UPDATE rickshaws SET odometer_km = @odometerKm, last_tacho_km = @lastTachoKm,
      last_controller_km = @lastControllerKm, reading_ts = @readingTs, reading = @reading,
      first_odometer_km = coalesce(first_odometer_km, @odometerKm),
      fault_code = @faultCode, fault_name = @faultName,
      fault_ts = CASE WHEN fault_code = @faultCode THEN fault_ts ELSE @readingTs END WHERE hw_id = @hwId`),
    seen: p(`UPDATE rickshaws SET last_station = ?, last_bay = ?, last_seen = ?, present = ? WHERE hw_id = ?`),
    firmware: p('UPDATE rickshaws SET firmware = ? WHERE hw_id = ?'),
    fault: p(
      `INSERT OR IGNORE INTO rickshaw_faults (hw_id, ts, station_id, bay, code, name) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    anomaly: p(`INSERT INTO rickshaw_anomalies (hw_id, ts, station_id, kind, detail) VALUES (?, ?, ?, ?, ?)`),
  };
}

export class RickshawWriter {
  private readonly s: ReturnType<typeof statements>;
  /** Rickshaw events whose data did not fit the contract (stored as plain events, not applied). */
  invalid = 0;

  constructor(
    db: Database,
    private readonly maxDailyKm = DEFAULT_MAX_DAILY_KM,
  ) {
    this.s = statements(db);
  }

  /**
   * A stored event's payload: applied when it is a rickshaw event; anything else is left alone. Never throws for a
   * payload: a throw would roll back the whole ingest batch, and its stations would send it again forever.
   */
  applyPayload(stationId: string, payload: string | Buffer): void {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    // Cheap test first: most events are the docks' and need no parse here.
    if (!text.includes('"rickshaw-')) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.invalid++;
      return;
    }
    const ev = eventSchema.safeParse(json);
    if (!ev.success) return;
    const r = readRickshawEvent(ev.data);
    if (r === null) return;
    if (!r.ok) {
      this.invalid++;
      return;
    }
    this.apply(stationId, r.event);
  }

  apply(stationId: string, ev: RickshawEvent): void {
    const { hwId, bay } = ev.data;
    this.s.ensure.run(hwId, ev.ts);
    const row = this.s.get.get(hwId) as RickshawRow;
    const reading = ev.data.reading;
    if (reading && (row.readingTs === null || ev.ts >= row.readingTs)) {
      const step = advanceOdometer(
        row,
        { tachoKm: reading.tachoKm, controllerOdometerKm: reading.controllerOdometerKm, ts: ev.ts },
        this.maxDailyKm,
      );
      this.s.reading.run({
        ...step.state,
        reading: JSON.stringify(reading),
        faultCode: reading.fault.code,
        faultName: reading.fault.code === 0 ? null : reading.fault.name,
        hwId,
      });
      if (step.anomaly) this.s.anomaly.run(hwId, ev.ts, stationId, step.anomaly.kind, step.anomaly.detail);
    }
    if (row.lastSeen === null || ev.ts >= row.lastSeen)
      this.s.seen.run(stationId, bay, ev.ts, ev.type === 'rickshaw-left' ? 0 : 1, hwId);
    if (ev.type === 'rickshaw-arrived') this.s.firmware.run(JSON.stringify(ev.data.firmware), hwId);
    if (ev.type === 'rickshaw-fault' && reading)
      this.s.fault.run(hwId, ev.ts, stationId, bay, reading.fault.code, reading.fault.name);
  }
}
