// Read side of the central store for the HTTP API: stations with their counters, status and latest docks,
// batteries with a health summary, and a battery's sample series. Read-only statements, prepared once.

import type { Statement } from 'better-sqlite3';
import {
  HISTORY_RESOLUTIONS,
  type BatteryAlert,
  type BatteryHealth,
  type BatteryPoint,
  type BatteryView,
  type HistoryResolution,
  type StationView,
} from '../../contract/http-api.ts';
import type { BatteryTelemetry, DockTelemetry } from '../../contract/messages.ts';
import { AlertStore, type StoredAlert } from '../health/alert-store.ts';
import { HealthStore } from '../health/health-store.ts';
import type { CentralDb, StationRow } from './central-db.ts';

// The answers' shapes are the HTTP contract's (contract/http-api.ts); this file fills them from the store.
export type { BatteryAlert, BatteryHealth, BatteryPoint, BatteryView, HistoryResolution, StationView };
export { HISTORY_RESOLUTIONS };

/**
 * The finest resolution whose table still holds `from` (each is kept for its own number of days): so a question
 * about last month is answered from the minute table instead of an empty sample table.
 */
export function resolutionFor(
  from: number,
  now: number,
  keptDays: { samples: number; minutes: number },
): HistoryResolution {
  const day = 86_400_000;
  if (from >= now - keptDays.samples * day) return '5s';
  if (from >= now - keptDays.minutes * day) return '1m';
  return '15m';
}

/** Placeholder thresholds until the battery specs per model are configured. */
export const HEALTH_LIMITS = { cellSpreadWarnMv: 50, cellSpreadFaultMv: 150, tempWarnC: 45, tempFaultC: 55 };

export function batteryHealth(b: BatteryTelemetry, maxTempEverC: number | null): BatteryHealth {
  const cellSpreadMv = b.cellsV.length ? Math.round((Math.max(...b.cellsV) - Math.min(...b.cellsV)) * 1000) : null;
  const maxTempC = b.tempsC.length ? Math.max(...b.tempsC) : null;
  const alerts: BatteryAlert[] = [];
  const L = HEALTH_LIMITS;
  if (cellSpreadMv !== null && cellSpreadMv > L.cellSpreadWarnMv) {
    const severity = cellSpreadMv > L.cellSpreadFaultMv ? 'fault' : 'warning';
    alerts.push({
      code: 'cell-imbalance',
      origin: 'reading',
      severity,
      value: cellSpreadMv,
      message: `cell spread ${cellSpreadMv} mV`,
    });
  }
  if (maxTempC !== null && maxTempC > L.tempWarnC) {
    const severity = maxTempC > L.tempFaultC ? 'fault' : 'warning';
    alerts.push({
      code: 'over-temperature',
      origin: 'reading',
      severity,
      value: maxTempC,
      message: `max temperature ${maxTempC} °C`,
    });
  }
  for (const flag of b.protection)
    alerts.push({
      code: `protection:${flag}`,
      origin: 'reading',
      severity: 'fault',
      value: null,
      message: `BMS protection ${flag}`,
    });
  return {
    stateOfHealthPct: null,
    cycles: b.cycles,
    cellSpreadMv,
    maxTempC,
    maxTempEverC,
    internalResistanceMOhm: null,
    alerts,
  };
}

interface StatusRow {
  stationId: string;
  online: number;
  ts: number;
  receivedAt: number;
  payload: string;
}
interface LatestRow {
  stationId: string;
  ts: number;
  payload: string;
}
interface BatteryRow {
  batteryId: string;
  stationId: string;
  dock: number;
  ts: number;
  payload: string;
  maxTempC: number | null;
  /** From battery_estimates: null while not enough data (or no session yet). */
  sohPct: number | null;
  resistanceMOhm: number | null;
  /** From battery_conflicts: another station that reports this battery while its holder still does. */
  claimStation: string | null;
  claimDock: number | null;
  claimCount: number | null;
}

export class ReadQueries {
  private readonly statuses: Statement;
  private readonly latest: Statement;
  private readonly batteries: Statement;
  private readonly battery: Statement;
  private readonly samples: Statement;
  /** Charge sessions and combined estimates (broker/health). */
  readonly health: HealthStore;
  /** Open battery-health alerts (broker/health/alert-check.ts), shown beside the reading's own. */
  readonly alerts: AlertStore;
  /** Mean (min, max) per bucket of the down-sampled tables, in the same point shape as the samples. */
  private readonly buckets: Record<'1m' | '15m' | '1h' | '1d', Statement>;

  constructor(private readonly store: CentralDb) {
    const db = store.db;
    this.statuses = db.prepare(
      'SELECT station_id AS stationId, online, ts, received_at AS receivedAt, payload FROM station_status',
    );
    this.latest = db.prepare('SELECT station_id AS stationId, ts, payload FROM latest_telemetry');
    const bcols = `b.battery_id AS batteryId, b.station_id AS stationId, b.dock, b.ts, b.payload, b.max_temp_c AS maxTempC,
      e.soh_pct AS sohPct, e.resistance_mohm AS resistanceMOhm, c.claim_station AS claimStation,
      c.claim_dock AS claimDock, c.count AS claimCount`;
    const bfrom = `batteries b LEFT JOIN battery_estimates e ON e.battery_id = b.battery_id
      LEFT JOIN battery_conflicts c ON c.battery_id = b.battery_id`;
    this.batteries = db.prepare(`SELECT ${bcols} FROM ${bfrom} ORDER BY b.battery_id`);
    this.battery = db.prepare(`SELECT ${bcols} FROM ${bfrom} WHERE b.battery_id = ?`);
    this.health = new HealthStore(db);
    this.alerts = new AlertStore(db);
    this.samples =
      db.prepare(`SELECT * FROM (SELECT ts, station_id AS stationId, dock, soc_pct AS socPct, voltage_v AS voltageV,
      current_a AS currentA, cell_min_v AS cellMinV, cell_max_v AS cellMaxV, temp_max_c AS tempMaxC, cycles
      FROM battery_samples WHERE battery_id = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT ?) ORDER BY ts`);
    const bucketed = (table: string): Statement =>
      db.prepare(`SELECT * FROM (SELECT bucket AS ts, station_id AS stationId, dock, soc_sum / n AS socPct, voltage_sum / n AS voltageV,
        current_sum / n AS currentA, cell_min_v AS cellMinV, cell_max_v AS cellMaxV, temp_max_c AS tempMaxC, cycles,
        n, soc_min AS socMinPct, soc_max AS socMaxPct, current_min AS currentMinA, current_max AS currentMaxA
        FROM ${table} WHERE battery_id = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket DESC LIMIT ?) ORDER BY ts`);
    // Hours and days are folded from the quarter-hours at read time: a year of them is 35k rows per battery.
    const folded = (stepMs: number): Statement =>
      db.prepare(`SELECT * FROM (SELECT (bucket / ${stepMs}) * ${stepMs} AS ts, max(station_id) AS stationId, max(dock) AS dock,
        sum(soc_sum) / sum(n) AS socPct, sum(voltage_sum) / sum(n) AS voltageV, sum(current_sum) / sum(n) AS currentA,
        min(cell_min_v) AS cellMinV, max(cell_max_v) AS cellMaxV, max(temp_max_c) AS tempMaxC, max(cycles) AS cycles,
        sum(n) AS n, min(soc_min) AS socMinPct, max(soc_max) AS socMaxPct, min(current_min) AS currentMinA, max(current_max) AS currentMaxA
        FROM battery_quarters WHERE battery_id = ? AND bucket >= ? AND bucket <= ? GROUP BY bucket / ${stepMs} ORDER BY ts DESC LIMIT ?) ORDER BY ts`);
    this.buckets = {
      '1m': bucketed('battery_minutes'),
      '15m': bucketed('battery_quarters'),
      '1h': folded(3_600_000),
      '1d': folded(86_400_000),
    };
  }

  /** Stations with counters and latest docks; `staleAfterMs`: a station silent that long counts as offline. */
  stations(now: number, staleAfterMs: number): StationView[] {
    const statuses = new Map((this.statuses.all() as StatusRow[]).map((r) => [r.stationId, r]));
    const latest = new Map((this.latest.all() as LatestRow[]).map((r) => [r.stationId, r]));
    return this.store
      .listStations()
      .map((row) => toView(row, statuses.get(row.stationId), latest.get(row.stationId), now, staleAfterMs));
  }

  onlineCount(now: number, staleAfterMs: number): number {
    return this.stations(now, staleAfterMs).filter((s) => s.online).length;
  }

  batteriesList(): BatteryView[] {
    const open = new Map<string, BatteryAlert[]>();
    for (const a of this.alerts.openAlerts()) {
      if (a.subjectKind !== 'battery') continue;
      const list = open.get(a.subjectId) ?? [];
      list.push(healthAlert(a));
      open.set(a.subjectId, list);
    }
    return (this.batteries.all() as BatteryRow[]).map((row) => withAlerts(toBattery(row), open.get(row.batteryId)));
  }

  /** One battery, with its full estimates (method, uncertainty, evidence count, or why there is not enough data). */
  batteryById(id: string): BatteryView | undefined {
    const row = this.battery.get(id) as BatteryRow | undefined;
    if (!row) return undefined;
    const open = this.alerts
      .ofSubject('battery', id, 50)
      .filter((a) => a.clearedAt === null)
      .map(healthAlert);
    return { ...withAlerts(toBattery(row), open), estimates: this.health.estimates(id) };
  }

  /**
   * A battery's history, oldest first, the newest `limit` points of [from, to]: 5-second samples, or per minute,
   * 15 minutes, hour or day (bucket start as ts; means, with the bucket's sample count and SoC/current extremes;
   * hours and days come from the 15-minute table, so they reach back a year).
   */
  history(id: string, from: number, to: number, limit: number, resolution: HistoryResolution = '5s'): BatteryPoint[] {
    const stmt = resolution === '5s' ? this.samples : this.buckets[resolution];
    return stmt.all(id, from, to, limit) as BatteryPoint[];
  }
}

function toView(
  row: StationRow,
  status: StatusRow | undefined,
  latest: LatestRow | undefined,
  now: number,
  staleAfterMs: number,
): StationView {
  let statusView: StationView['status'] = null;
  if (status) {
    const p = JSON.parse(status.payload) as { version?: string; startedAt?: number };
    statusView = {
      online: status.online === 1,
      ts: status.ts,
      receivedAt: status.receivedAt,
      version: p.version,
      startedAt: p.startedAt,
    };
  }
  const fresh = row.lastSeen !== null && now - row.lastSeen <= staleAfterMs;
  const span = row.highestSeq === null || row.highestSeq < row.firstSeq ? 0 : row.highestSeq - row.firstSeq + 1;
  const docks = latest ? (JSON.parse(latest.payload) as { docks: DockTelemetry[] }).docks : [];
  return {
    stationId: row.stationId,
    online: (statusView?.online ?? false) && fresh,
    lastSeen: row.lastSeen,
    lastSeq: row.highestSeq,
    ackSeq: row.ackSeq,
    missingSeqs: Math.max(0, span - row.settledCount),
    rejectedSeqs: row.rejectedCount,
    status: statusView,
    telemetryTs: latest?.ts ?? null,
    docks,
  };
}

function toBattery(row: BatteryRow): BatteryView {
  const latest = JSON.parse(row.payload) as BatteryTelemetry;
  return {
    batteryId: row.batteryId,
    stationId: row.stationId,
    dock: row.dock,
    ts: row.ts,
    latest,
    health: withConflict(
      {
        ...batteryHealth(latest, row.maxTempC),
        stateOfHealthPct: row.sohPct,
        internalResistanceMOhm: row.resistanceMOhm,
      },
      row,
    ),
  };
}

function withAlerts(b: BatteryView, stored: BatteryAlert[] | undefined): BatteryView {
  return stored?.length ? { ...b, health: { ...b.health, alerts: [...b.health.alerts, ...stored] } } : b;
}

/** An open health alert as the battery list shows it: its figure, and its reason and action in one sentence. */
function healthAlert(a: StoredAlert): BatteryAlert {
  return { code: a.code, origin: 'health', severity: a.severity, value: a.value, message: `${a.message} ${a.action}` };
}

/** A battery reported by two stations at once gets a fault alert (its record stays with the holder). */
function withConflict(health: BatteryHealth, row: BatteryRow): BatteryHealth {
  if (row.claimStation === null) return health;
  const alert: BatteryAlert = {
    code: 'claimed-twice',
    origin: 'conflict',
    severity: 'fault',
    value: null,
    message: `also reported by ${row.claimStation} dock ${row.claimDock ?? '?'} (${row.claimCount ?? 1}x) while ${row.stationId} dock ${row.dock} reports it`,
  };
  return { ...health, alerts: [...health.alerts, alert] };
}
