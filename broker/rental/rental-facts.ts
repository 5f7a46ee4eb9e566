// What the rental desk looks up in the rest of the central store before it writes: the rickshaw registry (exists,
// odometer), the stations, and each pack's latest reading and its dock's latest state. Read-only, prepared once.

import type { Database, Statement } from 'better-sqlite3';
import type { DockTelemetry, BatteryTelemetry } from '../../contract/messages.ts';

export interface PackFact {
  packId: string;
  stationId: string;
  dock: number;
  ts: number;
  socPct: number;
  /** The dock's state in its station's latest telemetry, and whether it still holds this pack. */
  dockState: DockTelemetry['state'] | null;
  stillDocked: boolean;
  doNotDispatch: boolean;
}

export class RentalFacts {
  private readonly q: Record<'rickshaw' | 'station' | 'battery' | 'latest' | 'stations' | 'rickshaws', Statement>;

  constructor(db: Database) {
    this.q = {
      rickshaw: db.prepare('SELECT hw_id AS id, name, odometer_km AS odometerKm FROM rickshaws WHERE hw_id = ?'),
      rickshaws: db.prepare(`SELECT hw_id AS id, name, odometer_km AS odometerKm, last_station AS stationId
        FROM rickshaws ORDER BY name IS NULL, name, hw_id`),
      station: db.prepare('SELECT 1 FROM stations WHERE station_id = ?').pluck(),
      stations: db.prepare('SELECT station_id FROM stations ORDER BY station_id').pluck(),
      battery: db.prepare('SELECT station_id AS stationId, dock, ts, payload FROM batteries WHERE battery_id = ?'),
      latest: db.prepare('SELECT payload FROM latest_telemetry WHERE station_id = ?').pluck(),
    };
  }

  rickshaw(id: string): { id: string; name: string | null; odometerKm: number | null } | undefined {
    return this.q.rickshaw.get(id) as { id: string; name: string | null; odometerKm: number | null } | undefined;
  }

  rickshaws(): Array<{ id: string; name: string | null; odometerKm: number | null; stationId: string | null }> {
    return this.q.rickshaws.all() as Array<{
      id: string;
      name: string | null;
      odometerKm: number | null;
      stationId: string | null;
    }>;
  }

  hasStation(id: string): boolean {
    return this.q.station.get(id) !== undefined;
  }

  stations(): string[] {
    return this.q.stations.all() as string[];
  }

  /** The docks of a station's latest telemetry ([] when it never sent any). */
  docks(stationId: string): DockTelemetry[] {
    const payload = this.q.latest.get(stationId) as string | undefined;
    if (!payload) return [];
    return (JSON.parse(payload) as { docks: DockTelemetry[] }).docks;
  }

  /** `docksOf` lets a caller share one parse of a station's telemetry among its packs. */
  pack(packId: string, docksOf: (stationId: string) => DockTelemetry[] = (s) => this.docks(s)): PackFact | undefined {
    const row = this.q.battery.get(packId) as
      { stationId: string; dock: number; ts: number; payload: string } | undefined;
    if (!row) return undefined;
    const reading = JSON.parse(row.payload) as BatteryTelemetry;
    const dock = docksOf(row.stationId).find((d) => d.dock === row.dock);
    return {
      packId,
      stationId: row.stationId,
      dock: row.dock,
      ts: row.ts,
      socPct: reading.socPct,
      dockState: dock?.state ?? null,
      stillDocked: dock?.battery?.id === packId,
      doNotDispatch: dock?.battery?.id === packId && dock.doNotDispatch === true,
    };
  }

  /** Every pack with a reading, for the desk's pick lists. */
  packs(): PackFact[] {
    const ids = this.q.battery.database
      .prepare('SELECT battery_id FROM batteries ORDER BY battery_id')
      .pluck()
      .all() as string[];
    const parsed = new Map<string, DockTelemetry[]>();
    const docksOf = (s: string): DockTelemetry[] => {
      let d = parsed.get(s);
      if (!d) parsed.set(s, (d = this.docks(s)));
      return d;
    };
    return ids.flatMap((id) => this.pack(id, docksOf) ?? []);
  }
}
