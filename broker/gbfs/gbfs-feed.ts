// The feed's files, built and serialised ahead of the requests that read them: the static ones (system, vehicle
// types, station places) once, from the config; station_status and vehicle_status from the in-memory fleet once per
// statusIntervalS, on a timer (start), so a request only sends bytes. Each file's ttl says when it will next change.

import type { Clock, TimerHandle } from '../../lib/clock.ts';
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

/** One file ready to send: its bytes and ETag, when it was built, and until when it stays as it is. */
export interface BuiltFile {
  /** The JSON text as UTF-8, encoded once at build rather than on every answer. */
  bytes: Buffer;
  etag: string;
  builtAt: number;
  /** Epoch ms of the next change at the earliest (what ttl and max-age count down to). */
  freshUntil: number;
}

/** A built file from its JSON text. */
export function builtFile(body: string, builtAt: number, freshUntil: number): BuiltFile {
  const bytes = Buffer.from(body, 'utf8');
  return { bytes, etag: `"${builtAt.toString(36)}-${bytes.length.toString(36)}-${hash(body)}"`, builtAt, freshUntil };
}

/** FNV-1a over the text: cheap, and enough to tell two bodies of the same build time and length apart. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
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
  private timer: TimerHandle | null = null;
  private readonly discoveries = new Map<string, BuiltFile>();

  constructor(private readonly opts: GbfsFeedOptions) {
    this.startedAt = opts.now();
    this.intervalMs = opts.statusIntervalMs ?? opts.config.statusIntervalS * 1000;
    const cfg = opts.config;
    const until = this.startedAt + cfg.staticTtlS * 1000;
    const put = <D>(name: GbfsFileName, data: D): void => {
      this.statics.set(name, builtFile(this.wrap(data, this.startedAt, cfg.staticTtlS), this.startedAt, until));
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

  /**
   * Builds the status files now and then every interval on `clock`, off the requests' path. A request still builds
   * them itself when they are a whole interval overdue (no timer, or one held up), so they are never older than that.
   */
  start(clock: Pick<Clock, 'setTimeout'>): void {
    this.stop();
    const tick = (): void => {
      this.buildStatus();
      this.timer = clock.setTimeout(tick, Math.max(1, this.intervalMs));
    };
    tick();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private statusFiles(): { station_status: BuiltFile; vehicle_status: BuiltFile } {
    const now = this.opts.now();
    if (this.dynamic && now < this.dynamic.station_status.freshUntil + (this.timer ? this.intervalMs : 0))
      return this.dynamic;
    return this.buildStatus();
  }

  private buildStatus(): { station_status: BuiltFile; vehicle_status: BuiltFile } {
    const now = this.opts.now();
    const snap = buildStatusSnapshot({ ...this.opts, startedAt: this.startedAt }, now);
    const ttl = Math.ceil(this.intervalMs / 1000);
    const file = (data: unknown): BuiltFile => builtFile(this.wrap(data, now, ttl), now, now + this.intervalMs);
    this.dynamic = {
      station_status: file({ stations: snap.stations }),
      vehicle_status: file({ vehicles: snap.vehicles }),
    };
    return this.dynamic;
  }

  /** gbfs.json per base URL (one, unless the Host header varies), built once each; at most a few kept. */
  private discovery(baseUrl: string): BuiltFile {
    const known = this.discoveries.get(baseUrl);
    if (known) return known;
    if (this.discoveries.size >= 8) this.discoveries.clear();
    const base = baseUrl.replace(/\/+$/, '');
    const data: Discovery = {
      feeds: [
        { name: 'gbfs', url: `${base}/gbfs.json` },
        ...GBFS_FILES.map((name) => ({ name, url: `${base}/${name}.json` })),
      ],
    };
    const ttl = this.opts.config.staticTtlS;
    const file = builtFile(this.wrap(data, this.startedAt, ttl), this.startedAt, this.startedAt + ttl * 1000);
    this.discoveries.set(baseUrl, file);
    return file;
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
