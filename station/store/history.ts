// Local history of dock readings: raw samples for a short window, one-minute aggregates for a long one.
// Samples are buffered and written in one transaction per flush, never one write per reading on the loop's path.

import type Database from 'better-sqlite3';
import type { DockTelemetry } from '../../contract/messages.ts';

export interface HistoryRetention {
  /** Raw samples are kept this long, ms (default 48 h). */
  rawMs: number;
  /** One-minute aggregates are kept this long, ms (default 365 days). */
  aggregateMs: number;
}

export const DEFAULT_RETENTION: HistoryRetention = { rawMs: 48 * 3600_000, aggregateMs: 365 * 86_400_000 };

interface Sample {
  ts: number;
  dock: number;
  batteryId: string | null;
  state: string;
  socPct: number | null;
  voltageV: number | null;
  currentA: number | null;
  tempMaxC: number | null;
  cellMinV: number | null;
  cellMaxV: number | null;
  chargerCurrentA: number;
}

export class History {
  private buffer: Sample[] = [];
  private readonly insertRaw: Database.Statement;
  private readonly upsertMinute: Database.Statement;
  private readonly pruneRaw: Database.Statement;
  private readonly pruneAgg: Database.Statement;
  private readonly flushTx: (rows: Sample[]) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly retention: HistoryRetention = DEFAULT_RETENTION,
  ) {
    // The tables come from the schema migrations (station-schema.ts), run when the database is opened.
    this.insertRaw = db.prepare(
      'INSERT INTO readings (ts, dock, battery_id, state, soc, voltage, current, temp_max, cell_min, cell_max, charger_current) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    this.upsertMinute = db.prepare(`
      INSERT INTO readings_1m (minute, dock, battery_id, n, soc_sum, voltage_sum, current_sum, voltage_min, voltage_max, temp_max, cell_min, cell_max)
      VALUES (@minute, @dock, @batteryId, 1, @soc, @voltage, @current, @voltage, @voltage, @tempMax, @cellMin, @cellMax)
      ON CONFLICT (minute, dock) DO UPDATE SET
        battery_id = excluded.battery_id, n = n + 1,
        soc_sum = soc_sum + excluded.soc_sum, voltage_sum = voltage_sum + excluded.voltage_sum, current_sum = current_sum + excluded.current_sum,
        voltage_min = min(voltage_min, excluded.voltage_min), voltage_max = max(voltage_max, excluded.voltage_max),
        temp_max = max(temp_max, excluded.temp_max), cell_min = min(cell_min, excluded.cell_min), cell_max = max(cell_max, excluded.cell_max)
    `);
    this.pruneRaw = db.prepare('DELETE FROM readings WHERE ts < ?');
    this.pruneAgg = db.prepare('DELETE FROM readings_1m WHERE minute < ?');
    this.flushTx = db.transaction((rows: Sample[]) => {
      for (const s of rows) {
        this.insertRaw.run(
          s.ts,
          s.dock,
          s.batteryId,
          s.state,
          s.socPct,
          s.voltageV,
          s.currentA,
          s.tempMaxC,
          s.cellMinV,
          s.cellMaxV,
          s.chargerCurrentA,
        );
        if (s.voltageV === null) continue;
        this.upsertMinute.run({
          minute: Math.floor(s.ts / 60_000) * 60_000,
          dock: s.dock,
          batteryId: s.batteryId,
          soc: s.socPct ?? 0,
          voltage: s.voltageV,
          current: s.currentA ?? 0,
          tempMax: s.tempMaxC,
          cellMin: s.cellMinV,
          cellMax: s.cellMaxV,
        });
      }
    });
  }

  /** Buffers one sample per dock; cheap enough for the telemetry path. */
  record(ts: number, docks: readonly DockTelemetry[]): void {
    for (const d of docks) {
      const b = d.battery;
      this.buffer.push({
        ts,
        dock: d.dock,
        batteryId: b?.id ?? null,
        state: d.state,
        socPct: b?.socPct ?? null,
        voltageV: b?.voltageV ?? null,
        currentA: b?.currentA ?? null,
        tempMaxC: b && b.tempsC.length > 0 ? Math.max(...b.tempsC) : null,
        cellMinV: b && b.cellsV.length > 0 ? Math.min(...b.cellsV) : null,
        cellMaxV: b && b.cellsV.length > 0 ? Math.max(...b.cellsV) : null,
        chargerCurrentA: d.charger.currentA,
      });
    }
  }

  /** Forgets what is buffered (a full disk); returns how many samples that was. */
  discard(): number {
    const n = this.buffer.length;
    this.buffer = [];
    return n;
  }

  /** Writes everything buffered in one transaction; returns the number of samples written. */
  flush(): number {
    if (this.buffer.length === 0) return 0;
    const rows = this.buffer;
    this.buffer = [];
    this.flushTx(rows);
    return rows.length;
  }

  /** Drops raw samples and aggregates past their retention. */
  prune(now: number): { raw: number; aggregates: number } {
    return {
      raw: this.pruneRaw.run(now - this.retention.rawMs).changes,
      aggregates: this.pruneAgg.run(now - this.retention.aggregateMs).changes,
    };
  }

  rawCount(): number {
    return this.db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  }

  minutes(dock: number): { minute: number; n: number; voltageAvg: number; voltageMin: number; voltageMax: number }[] {
    return this.db
      .prepare(
        'SELECT minute, n, voltage_sum / n AS voltageAvg, voltage_min AS voltageMin, voltage_max AS voltageMax FROM readings_1m WHERE dock = ? ORDER BY minute',
      )
      .all(dock) as { minute: number; n: number; voltageAvg: number; voltageMin: number; voltageMax: number }[];
  }
}
