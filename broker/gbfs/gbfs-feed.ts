// The feed's files, built and serialised ahead of the requests that read them: the static ones (system, vehicle
// types, station places) once, from the config; station_status and vehicle_status from the in-memory fleet at most
// once per statusIntervalS. Each file's ttl says when it will next change, so a consumer polls no more than needed.

import { buildStatusSnapshot, type SnapshotDeps } from './status-snapshot.ts';
import { localize, maxRangeMetres, type GbfsConfig } from './gbfs-config.ts';
import {
  GBFS_FILES,
  rfc3339,
  type Discovery,
  type GbfsFile,
  type GbfsFileName,
  type StationInformation,
  type SystemInformation,
  type VehicleType,
} from './gbfs-types.ts';

/** One file ready to send: its JSON text and when it was built, and until when it stays as it is. */
export interface BuiltFile {
  body: string;
  builtAt: number;
  /** Epoch ms of the next change at the earliest (what ttl and max-age count down to). */
  freshUntil: number;
}

export interface GbfsFeedOptions extends Omit<SnapshotDeps, 'startedAt'> {
  /** Clock of the feed: build times, ttl. */
  now: () => number;
  /** Overrides config.statusIntervalS in ms (the benchmark rebuilds on every request with 0). */
  statusIntervalMs?: number;
}

export class GbfsFeed {
  private readonly startedAt: number;
  private readonly statics = new Map<GbfsFileName, BuiltFile>();
  private dynamic: { station_status: BuiltFile; vehicle_status: BuiltFile } | null = null;
  private readonly intervalMs: number;

  constructor(private readonly opts: GbfsFeedOptions) {
    this.startedAt = opts.now();
    this.intervalMs = opts.statusIntervalMs ?? opts.config.statusIntervalS * 1000;
    const cfg = opts.config;
    const until = this.startedAt + cfg.staticTtlS * 1000;
    const put = <D>(name: GbfsFileName, data: D): void => {
      this.statics.set(name, {
        body: this.wrap(data, this.startedAt, cfg.staticTtlS),
        builtAt: this.startedAt,
        freshUntil: until,
      });
    };
    put('system_information', systemInformation(cfg));
    put('vehicle_types', { vehicle_types: vehicleTypes(cfg) });
    put('station_information', { stations: stationInformation(cfg) });
  }

  /** A file by name; null for a name the feed does not publish. gbfs.json needs the feed's base URL. */
  file(name: string, baseUrl: string): BuiltFile | null {
    if (name === 'gbfs') return this.discovery(baseUrl);
    if (name === 'station_status' || name === 'vehicle_status') return this.statusFiles()[name];
    return this.statics.get(name as GbfsFileName) ?? null;
  }

  private statusFiles(): { station_status: BuiltFile; vehicle_status: BuiltFile } {
    const now = this.opts.now();
    if (this.dynamic && now < this.dynamic.station_status.freshUntil) return this.dynamic;
    const snap = buildStatusSnapshot({ ...this.opts, startedAt: this.startedAt }, now);
    const ttl = Math.ceil(this.intervalMs / 1000);
    const file = (data: unknown): BuiltFile => ({
      body: this.wrap(data, now, ttl),
      builtAt: now,
      freshUntil: now + this.intervalMs,
    });
    this.dynamic = {
      station_status: file({ stations: snap.stations }),
      vehicle_status: file({ vehicles: snap.vehicles }),
    };
    return this.dynamic;
  }

  private discovery(baseUrl: string): BuiltFile {
    const base = baseUrl.replace(/\/+$/, '');
    const data: Discovery = {
      feeds: [
        { name: 'gbfs', url: `${base}/gbfs.json` },
        ...GBFS_FILES.map((name) => ({ name, url: `${base}/${name}.json` })),
      ],
    };
    const ttl = this.opts.config.staticTtlS;
    return {
      body: this.wrap(data, this.startedAt, ttl),
      builtAt: this.startedAt,
      freshUntil: this.startedAt + ttl * 1000,
    };
  }

  /** The envelope every file shares. ttl is given in full: a file's data is rebuilt a whole ttl after it was. */
  private wrap<D>(data: D, builtAt: number, ttl: number): string {
    return JSON.stringify({ last_updated: rfc3339(builtAt), ttl, version: '3.0', data } satisfies GbfsFile<D>);
  }
}

function systemInformation(cfg: GbfsConfig): SystemInformation {
  const s = cfg.system;
  const langs = s.languages;
  return {
    system_id: s.id,
    languages: langs,
    name: localize(s.name, langs),
    ...(s.operator ? { operator: localize(s.operator, langs) } : {}),
    ...(s.url ? { url: s.url } : {}),
    opening_hours: s.openingHours,
    feed_contact_email: s.feedContactEmail,
    timezone: s.timezone,
    license_id: s.licenseId,
  };
}

function vehicleTypes(cfg: GbfsConfig): VehicleType[] {
  return cfg.vehicleTypes.map((t) => ({
    vehicle_type_id: t.id,
    form_factor: t.formFactor,
    propulsion_type: 'electric_assist',
    rider_capacity: t.riderCapacity,
    max_range_meters: Math.round(maxRangeMetres(t)),
    name: localize(t.name, cfg.system.languages),
    // Rides start and end at a station, any of them.
    return_constraint: 'any_station',
  }));
}

function stationInformation(cfg: GbfsConfig): StationInformation[] {
  return Object.entries(cfg.stations).map(([id, p]) => ({
    station_id: id,
    name: localize(p.name, cfg.system.languages),
    lat: p.lat,
    lon: p.lon,
    ...(p.address ? { address: p.address } : {}),
    capacity: p.bays,
    // The station charges the packs the rickshaws ride on.
    is_charging_station: true,
  }));
}
