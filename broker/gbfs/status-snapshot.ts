// station_status and vehicle_status from one look at the fleet: the rickshaws standing in each configured station's
// bays, and the range each would ride with the best packs the station can hand out (the range model of its type).
// Both files come from the same snapshot, so their counts and vehicles agree. No pack ids, no pack health, no names.

import type { DockTelemetry } from '../../contract/messages.ts';
import type { FleetState, RickshawLive } from './fleet-state.ts';
import { maxRangeMetres, packMetres, type GbfsConfig, type VehicleTypeConfig } from './gbfs-config.ts';
import { rfc3339, type StationStatus, type VehicleStatus } from './gbfs-types.ts';
import type { RentalState, RentalStates } from './rental-view.ts';
import type { VehicleIds } from './vehicle-ids.ts';

export interface StatusSnapshot {
  stations: StationStatus[];
  vehicles: VehicleStatus[];
}

export interface SnapshotDeps {
  config: GbfsConfig;
  fleet: FleetState;
  rental: RentalStates;
  ids: VehicleIds;
  /** A station silent this long is not renting (the broker's staleAfterMs). */
  staleAfterMs: number;
  /** When the feed went up: the report time of a station never heard from. */
  startedAt: number;
}

/** Dock states whose pack may go out on a ride (charging ones too: their SoC is what it is now). */
const HANDED_OUT = new Set<DockTelemetry['state']>(['idle', 'charging', 'balancing', 'full']);

/** The SoC of each pack the station may hand out, best first. */
export function packsOnOffer(docks: readonly DockTelemetry[]): number[] {
  const socs: number[] = [];
  for (const d of docks)
    if (d.battery && HANDED_OUT.has(d.state) && !d.doNotDispatch && !d.alarm) socs.push(d.battery.socPct);
  return socs.sort((a, b) => b - a);
}

interface Standing {
  r: RickshawLive;
  state: RentalState;
  disabled: boolean;
  type: VehicleTypeConfig;
}

/** Rickshaws to serve first get the best packs: booked rides first, then the free ones; broken ones get none. */
const ORDER: Record<string, number> = { reserved: 0, available: 1, disabled: 2 };

export function buildStatusSnapshot(deps: SnapshotDeps, now: number): StatusSnapshot {
  const { config, fleet } = deps;
  const typeById = new Map(config.vehicleTypes.map((t) => [t.id, t]));
  const defaultType = config.vehicleTypes[0] as VehicleTypeConfig;
  const byStation = new Map<string, RickshawLive[]>();
  for (const r of fleet.rickshawList()) {
    if (!r.present) continue;
    const list = byStation.get(r.stationId);
    if (list) list.push(r);
    else byStation.set(r.stationId, [r]);
  }
  const stations: StationStatus[] = [];
  const vehicles: VehicleStatus[] = [];
  const shown = new Set<string>();
  for (const [stationId, place] of Object.entries(config.stations)) {
    const live = fleet.getStation(stationId);
    const here: Standing[] = [];
    for (const r of byStation.get(stationId) ?? []) {
      const state = deps.rental.stateOf(r.hwId, now);
      // Out on a ride: not in the feed at all (GBFS: vehicles in an active rental MUST NOT appear).
      if (state === 'out') continue;
      const type = typeById.get(config.vehicleTypeOf[r.hwId] ?? '') ?? defaultType;
      here.push({ r, state, disabled: state === 'disabled' || r.faultCode !== 0, type });
    }
    here.sort((a, b) => rank(a) - rank(b) || (a.r.hwId < b.r.hwId ? -1 : 1));
    // A copy: the rickshaws below take packs off it.
    const packs = live ? [...fleet.offerOf(live, packsOnOffer)] : [];
    const reportedAt = live && live.lastSeen > 0 ? live.lastSeen : deps.startedAt;
    const available = new Map(config.vehicleTypes.map((t) => [t.id, 0]));
    let disabled = 0;
    for (const v of here) {
      const taken = v.disabled ? [] : packs.splice(0, v.type.packsPerVehicle);
      vehicles.push(vehicleOf(v, stationId, taken, deps, Math.max(v.r.ts, live?.telemetryTs ?? 0, reportedAt)));
      shown.add(v.r.hwId);
      if (v.disabled) disabled++;
      else if (v.state === 'available') available.set(v.type.id, (available.get(v.type.id) ?? 0) + 1);
    }
    const online = live !== undefined && live.statusOnline && now - live.lastSeen <= deps.staleAfterMs;
    stations.push({
      station_id: stationId,
      num_vehicles_available: [...available.values()].reduce((a, b) => a + b, 0),
      vehicle_types_available: [...available].map(([vehicle_type_id, count]) => ({ vehicle_type_id, count })),
      num_vehicles_disabled: disabled,
      num_docks_available: Math.max(0, place.bays - here.length),
      is_installed: true,
      is_renting: online,
      is_returning: online,
      last_reported: rfc3339(reportedAt),
    });
  }
  deps.ids.keepOnly(shown);
  return { stations, vehicles };
}

function rank(v: Standing): number {
  return ORDER[v.disabled ? 'disabled' : v.state] ?? 1;
}

function vehicleOf(
  v: Standing,
  stationId: string,
  packs: readonly number[],
  deps: SnapshotDeps,
  reportedAt: number,
): VehicleStatus {
  const metres = packs.reduce((sum, soc) => sum + packMetres(v.type.range, soc), 0);
  const full = maxRangeMetres(v.type);
  return {
    vehicle_id: deps.ids.idFor(v.r.hwId, v.r.visit),
    station_id: stationId,
    vehicle_type_id: v.type.id,
    is_reserved: v.state === 'reserved',
    is_disabled: v.disabled,
    last_reported: rfc3339(reportedAt),
    current_range_meters: Math.round(metres),
    // Of the energy a full set of packs would carry: a rickshaw with one of its two packs at 100 % is at 0.5.
    current_fuel_percent: full > 0 ? Math.round((metres / full) * 1000) / 1000 : 0,
  };
}
