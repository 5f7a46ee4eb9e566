// The rickshaw registry on the central store: the API's answers (list and one rickshaw, with service intervals
// computed at read time), the mechanics' writes (a name for a new rickshaw, a service done), and what each station
// should show about the rickshaws in its bays.

import type { Database } from 'better-sqlite3';
import type { RickshawDetail, RickshawSummary } from '../../contract/rickshaw-api.ts';
import type { RickshawReading } from '../../contract/rickshaws.ts';
import type { RickshawConfig } from './rickshaw-config.ts';
import { serviceInterval, worstState, type LastService } from './service-intervals.ts';

interface Row {
  hwId: string;
  name: string | null;
  firstSeen: number;
  firstOdometerKm: number | null;
  odometerKm: number | null;
  readingTs: number | null;
  reading: string | null;
  firmware: string | null;
  lastStation: string | null;
  lastBay: number | null;
  lastSeen: number | null;
  present: number;
  faultCode: number;
  faultName: string | null;
  faultTs: number | null;
}

const COLS = `hw_id AS hwId, name, first_seen AS firstSeen, first_odometer_km AS firstOdometerKm,
  odometer_km AS odometerKm, reading_ts AS readingTs, reading, firmware, last_station AS lastStation,
  last_bay AS lastBay, last_seen AS lastSeen, present, fault_code AS faultCode, fault_name AS faultName,
  fault_ts AS faultTs`;

export class RegistryError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** A station's bay with a rickshaw in it, and what its screen should say (see station/bays/rickshaw-notices.ts). */
export interface BayNotice {
  stationId: string;
  bay: number;
  hwId: string;
  name: string | null;
  /** German words of each due or overdue task. */
  tasks: string[];
}

const round3 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);

export class RickshawRegistry {
  constructor(
    private readonly db: Database,
    private readonly config: RickshawConfig,
  ) {}

  list(now: number): RickshawSummary[] {
    const rows = this.db.prepare(`SELECT ${COLS} FROM rickshaws ORDER BY name IS NULL, name, hw_id`).all() as Row[];
    const last = this.lastServices();
    return rows.map((r) => this.summary(r, last.get(r.hwId), now));
  }

  detail(hwId: string, now: number): RickshawDetail | null {
    const r = this.db.prepare(`SELECT ${COLS} FROM rickshaws WHERE hw_id = ?`).get(hwId) as Row | undefined;
    if (!r) return null;
    const reading = r.reading ? (JSON.parse(r.reading) as RickshawReading) : null;
    return {
      ...this.summary(r, this.lastServices(hwId).get(hwId), now),
      firstSeen: r.firstSeen,
      firmware: r.firmware ? (JSON.parse(r.firmware) as RickshawDetail['firmware']) : null,
      lastReading: reading && r.readingTs !== null ? { ...reading, ts: r.readingTs } : null,
      faults: this.db
        .prepare(
          `SELECT ts, station_id AS stationId, bay, code, name FROM rickshaw_faults WHERE hw_id = ? ORDER BY ts DESC LIMIT 100`,
        )
        .all(hwId) as RickshawDetail['faults'],
      serviceRecords: this.db
        .prepare(
          `SELECT task, at, by_user AS by, odometer_km AS odometerKm, note FROM rickshaw_services WHERE hw_id = ?
           ORDER BY at DESC, id DESC LIMIT 200`,
        )
        .all(hwId) as RickshawDetail['serviceRecords'],
      anomalies: this.db
        .prepare(
          `SELECT ts, station_id AS stationId, kind, detail FROM rickshaw_anomalies WHERE hw_id = ? ORDER BY ts DESC, id DESC LIMIT 100`,
        )
        .all(hwId) as RickshawDetail['anomalies'],
    };
  }

  /** A mechanic records tasks done now; each resets its interval from the current odometer reading. */
  recordService(hwId: string, tasks: readonly string[], by: string, note: string, at: number): void {
    const known = new Set(this.config.services.map((s) => s.task));
    const unknown = tasks.filter((t) => !known.has(t));
    if (unknown.length > 0)
      throw new RegistryError(400, `unknown task ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
    const row = this.db.prepare('SELECT odometer_km AS km FROM rickshaws WHERE hw_id = ?').get(hwId) as
      { km: number | null } | undefined;
    if (!row) throw new RegistryError(404, 'no such rickshaw');
    const insert = this.db.prepare(
      'INSERT INTO rickshaw_services (hw_id, task, at, by_user, odometer_km, note) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const t of new Set(tasks)) insert.run(hwId, t, at, by, row.km, note);
    })();
  }

  /** Names a rickshaw in the registry; a name is unique across the fleet. */
  setName(hwId: string, name: string): void {
    const other = this.db.prepare('SELECT hw_id FROM rickshaws WHERE name = ? AND hw_id != ?').pluck().get(name, hwId);
    if (other !== undefined) throw new RegistryError(409, `another rickshaw is already called ${name}`);
    const r = this.db.prepare('UPDATE rickshaws SET name = ? WHERE hw_id = ?').run(name, hwId);
    if (r.changes === 0) throw new RegistryError(404, 'no such rickshaw');
  }

  /**
   * Puts a rickshaw in the registry before it was ever seen (a new one from the workshop, or the demo's): its name,
   * and the odometer reading its service intervals count from. An existing entry is left as it is.
   */
  register(hwId: string, name: string, opts: { at: number; odometerKm?: number }): void {
    this.db
      .prepare('INSERT OR IGNORE INTO rickshaws (hw_id, first_seen, first_odometer_km, name) VALUES (?, ?, ?, ?)')
      .run(hwId, opts.at, opts.odometerKm ?? null, name);
  }

  /** Rickshaws present in a bay now, with their names and the German words of what is due. */
  bayNotices(now: number): BayNotice[] {
    return this.list(now)
      .filter((r) => r.present && r.lastSeen)
      .map((r) => ({
        stationId: r.lastSeen?.stationId ?? '',
        bay: r.lastSeen?.bay ?? 0,
        hwId: r.id,
        name: r.name,
        tasks: r.services.filter((s) => s.state !== 'ok').map((s) => s.label.de),
      }));
  }

  private summary(r: Row, last: Map<string, LastService> | undefined, now: number): RickshawSummary {
    const services = this.config.services.map((task) =>
      serviceInterval(task, r, last?.get(task.task) ?? null, now, this.config.overdueAfterFraction),
    );
    return {
      id: r.hwId,
      name: r.name,
      isNew: r.name === null,
      odometerKm: round3(r.odometerKm),
      present: r.present === 1,
      lastSeen:
        r.lastStation !== null && r.lastBay !== null && r.lastSeen !== null
          ? { stationId: r.lastStation, bay: r.lastBay, ts: r.lastSeen }
          : null,
      fault:
        r.faultCode !== 0
          ? { code: r.faultCode, name: r.faultName ?? `UNKNOWN_${r.faultCode}`, ts: r.faultTs ?? 0 }
          : null,
      serviceState: worstState(services.map((s) => s.state)),
      services,
    };
  }

  /** The newest service record per rickshaw and task (of one rickshaw, or of all). */
  private lastServices(hwId?: string): Map<string, Map<string, LastService>> {
    const rows = this.db
      .prepare(
        `SELECT hw_id AS hwId, task, at, by_user AS by, odometer_km AS odometerKm FROM rickshaw_services s
         WHERE (? IS NULL OR hw_id = ?) AND id = (SELECT id FROM rickshaw_services WHERE hw_id = s.hw_id AND task = s.task
         ORDER BY at DESC, id DESC LIMIT 1)`,
      )
      .all(hwId ?? null, hwId ?? null) as Array<LastService & { hwId: string; task: string }>;
    const out = new Map<string, Map<string, LastService>>();
    for (const { hwId: id, task, ...l } of rows) {
      let m = out.get(id);
      if (!m) out.set(id, (m = new Map()));
      m.set(task, l);
    }
    return out;
  }
}
