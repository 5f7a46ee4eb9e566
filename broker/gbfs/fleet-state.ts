// The feed's picture of the fleet, in memory: each station's latest docks and whether it is online, and which
// rickshaw stands in which bay. Kept up to date from the ingested messages (observe), seeded from the central store
// at start; the feed is built from this, never from SQL per request.

import type { DockTelemetry, Telemetry } from '../../contract/messages.ts';
import { readRickshawEvent } from '../../contract/rickshaws.ts';
import { eventSchema } from '../../contract/messages.ts';
import type { Validated } from '../ingest/validate.ts';
import { tsInRange } from '../ingest/ingester.ts';

export interface StationLive {
  stationId: string;
  /** What the station's last status said. */
  statusOnline: boolean;
  /** Central receive time of the station's last message of any kind, ms. */
  lastSeen: number;
  /** ts of the newest telemetry, ms (0: none yet). */
  telemetryTs: number;
  /** That telemetry's payload, parsed on first use (most are replaced unread by the next one). */
  raw: Buffer | null;
  /** Docks given whole (the store's view at start); null while the payload above holds them. */
  docks: DockTelemetry[] | null;
  /** What the feed needs of them (the SoCs on offer), computed once per telemetry; null: not yet. */
  offer: readonly number[] | null;
}

export interface RickshawLive {
  hwId: string;
  stationId: string;
  bay: number;
  present: boolean;
  /** ts of the newest event about it, ms. */
  ts: number;
  /** The motor controller's fault code in its newest reading (0: none). */
  faultCode: number;
  /** Grows by one each time it arrives in a bay: a new visit follows a ride, and its public id changes. */
  visit: number;
}

export class FleetState {
  private readonly stations = new Map<string, StationLive>();
  private readonly rickshaws = new Map<string, RickshawLive>();
  /** Grows on every change: a built feed older than this is stale. */
  version = 0;

  /** One message the ingester took; cheap for telemetry (its bytes are kept, not parsed). */
  observe(v: Validated, raw: Buffer, receivedAt: number): void {
    if (!v.ok || v.kind === 'other') return;
    if (!tsInRange(v.env.ts, receivedAt)) return; // the ingester keeps those as rejected rows: so do we
    const s = this.station(v.env.stationId);
    s.lastSeen = Math.max(s.lastSeen, receivedAt);
    if (v.kind === 'status') {
      s.statusOnline = v.msg.online; // the last status received wins, as in the store
    } else if (v.kind === 'telemetry') {
      if (v.env.ts < s.telemetryTs) return; // a backlog message: older than what we have
      s.telemetryTs = v.env.ts;
      s.raw = raw;
      s.docks = null;
      s.offer = null;
    } else if (raw.includes('"rickshaw-')) {
      this.rickshawEvent(v.env.stationId, raw);
    }
    this.version++;
  }

  /** The store's view at start: a station's status, last message and latest docks. */
  seedStation(
    stationId: string,
    online: boolean,
    lastSeen: number | null,
    telemetryTs: number | null,
    docks: DockTelemetry[],
  ): void {
    const s = this.station(stationId);
    s.statusOnline = online;
    s.lastSeen = lastSeen ?? 0;
    s.telemetryTs = telemetryTs ?? 0;
    s.raw = null;
    s.docks = docks;
    s.offer = null;
    this.version++;
  }

  /** The store's view at start: where a rickshaw was last seen, whether it is still there, its fault. */
  seedRickshaw(r: Omit<RickshawLive, 'visit'>): void {
    this.rickshaws.set(r.hwId, { ...r, visit: 1 });
    this.version++;
  }

  stationList(): Iterable<StationLive> {
    return this.stations.values();
  }

  getStation(stationId: string): StationLive | undefined {
    return this.stations.get(stationId);
  }

  /** The station's latest docks (parsed from the payload each call: only `offerOf` keeps what it needs). */
  docksOf(s: StationLive): DockTelemetry[] {
    if (s.docks !== null) return s.docks;
    // Already checked against the contract on the way in (fast validator or zod): parsing is all that is left.
    return s.raw ? (JSON.parse(s.raw.toString('utf8')) as Telemetry).docks : [];
  }

  /**
   * What `pick` makes of the station's latest docks, once per telemetry. The parsed payload is dropped at once:
   * kept, every build would leave 100 stations' parsed docks to age into the old generation, and the major GCs
   * that collect them were the feed's slowest answers.
   */
  offerOf(s: StationLive, pick: (docks: readonly DockTelemetry[]) => number[]): readonly number[] {
    s.offer ??= pick(this.docksOf(s));
    return s.offer;
  }

  rickshawList(): Iterable<RickshawLive> {
    return this.rickshaws.values();
  }

  private station(stationId: string): StationLive {
    let s = this.stations.get(stationId);
    if (!s) {
      s = { stationId, statusOnline: false, lastSeen: 0, telemetryTs: 0, raw: null, docks: [], offer: null };
      this.stations.set(stationId, s);
    }
    return s;
  }

  private rickshawEvent(stationId: string, raw: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return;
    }
    const ev = eventSchema.safeParse(json);
    if (!ev.success) return;
    const r = readRickshawEvent(ev.data);
    if (r === null || !r.ok) return;
    const { hwId, bay } = r.event.data;
    const prev = this.rickshaws.get(hwId);
    if (prev && r.event.ts < prev.ts) return; // late news from a backlog
    const reading = r.event.data.reading;
    const present = r.event.type !== 'rickshaw-left';
    const moved = !prev || !prev.present || prev.stationId !== stationId || prev.bay !== bay;
    this.rickshaws.set(hwId, {
      hwId,
      stationId,
      bay,
      present,
      ts: r.event.ts,
      faultCode: reading ? reading.fault.code : (prev?.faultCode ?? 0),
      visit: (prev?.visit ?? 0) + (present && (moved || r.event.type === 'rickshaw-arrived') ? 1 : 0),
    });
  }
}
