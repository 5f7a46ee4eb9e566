// Renders the station's health as Prometheus text (exposition format 0.0.4): the same figures the retained
// status message carries, plus dock states and the MQTT link, for a local scraper or `curl` on the Pi.

import type { DockTelemetry, StationMetrics } from '../../contract/messages.ts';
import type { BayMetrics } from '../bays/station-bays.ts';
import type { StoreCounters } from '../store/store-space.ts';

export interface StationSnapshot {
  stationId: string;
  metrics: StationMetrics;
  docks: readonly DockTelemetry[];
  mqttConnected: boolean;
  /** The service bays (their controllers' line counters are among `metrics.devices`). */
  bays?: readonly BayMetrics[];
  /** ms since the charge loop last ticked (Infinity before the first tick). */
  loopAgeMs: number;
  uptimeS: number;
  /** What a full database has cost (station/store/store-space.ts). */
  store?: StoreCounters;
}

type Labels = Record<string, string | number>;

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (labels: Labels): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(String(v))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (v: number): string => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : '-Inf');

/** Device counters published per device, with their Prometheus names. */
const DEVICE_COUNTERS = [
  ['requests', 'requests sent'],
  ['responses', 'valid answers'],
  ['timeouts', 'requests with no valid answer in time'],
  ['crcErrors', 'frames with a bad checksum'],
  ['frameErrors', 'frames with a bad length or end marker'],
  ['garbageBytes', 'bytes skipped while hunting for a frame'],
  ['deviceErrors', 'answers with an error status or a Modbus exception'],
  ['reconnects', 'times the line was reopened'],
] as const;

/** A bay reader's counters, with their Prometheus names. */
const BAY_COUNTERS = [
  ['polls', 'polls of the bay controller'],
  ['answers', 'polls the controller answered'],
  ['misses', 'polls without an answer'],
  ['badReadings', 'readings dropped as implausible'],
  ['noId', 'firmware answers without a hardware id'],
  ['idChanges', 'times the docked controller changed its id'],
  ['arrivals', 'rickshaws arrived'],
  ['departures', 'rickshaws left'],
] as const;

/** What a full database cost, per counter. */
const STORE_COUNTERS = [
  ['historyWritesFailed', 'history flushes dropped on a full database'],
  ['historyRowsFreed', 'history rows deleted to make room for the outbox'],
  ['telemetryDropped', 'telemetry messages that found no room'],
  ['eventsHeld', 'events kept in memory because the database was full'],
  ['reserveReleased', 'reserve rows given up to events'],
] as const;

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function renderStationMetrics(s: StationSnapshot): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Labels, number]>): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labelText(labels)} ${num(value)}`);
  };
  const station = { station: s.stationId };
  const { loop, outbox, devices } = s.metrics;
  family('rikscha_station_up_seconds', 'gauge', 'seconds since the station started', [[station, s.uptimeS]]);
  family('rikscha_station_mqtt_connected', 'gauge', '1 while the MQTT link is up', [
    [station, s.mqttConnected ? 1 : 0],
  ]);
  family('rikscha_station_loop_ticks_total', 'counter', 'charge loop ticks', [[station, loop.ticks]]);
  family('rikscha_station_loop_overruns_total', 'counter', 'ticks that took longer than the period', [
    [station, loop.overruns],
  ]);
  family('rikscha_station_loop_errors_total', 'counter', 'ticks that threw', [[station, loop.errors]]);
  family('rikscha_station_loop_duration_p99_ms', 'gauge', 'p99 tick duration, ms', [[station, loop.durationP99Ms]]);
  family('rikscha_station_loop_lateness_p99_ms', 'gauge', 'p99 tick lateness, ms', [[station, loop.latenessP99Ms]]);
  family('rikscha_station_loop_age_ms', 'gauge', 'ms since the last tick', [[station, s.loopAgeMs]]);
  family('rikscha_station_outbox_queued', 'gauge', 'messages not yet acknowledged by the central store', [
    [station, outbox.queued],
  ]);
  family('rikscha_station_outbox_thinned_total', 'counter', 'telemetry messages thinned out of a full outbox', [
    [station, outbox.thinned],
  ]);
  if (s.store) {
    const store = s.store;
    for (const [key, help] of STORE_COUNTERS)
      family(`rikscha_station_store_${snake(key)}_total`, 'counter', help, [[station, store[key]]]);
  }
  for (const [key, help] of DEVICE_COUNTERS) {
    family(
      `rikscha_station_device_${snake(key)}_total`,
      'counter',
      help,
      devices.map((d) => [{ ...station, device: d.device }, d[key]]),
    );
  }
  const states = new Map<string, number>();
  for (const d of s.docks) states.set(d.state, (states.get(d.state) ?? 0) + 1);
  family(
    'rikscha_station_docks',
    'gauge',
    'docks by state',
    [...states].map(([state, n]) => [{ ...station, state }, n]),
  );
  family(
    'rikscha_station_dock_fault',
    'gauge',
    '1 while a dock is in fault',
    s.docks.map((d) => [{ ...station, dock: d.dock }, d.state === 'fault' ? 1 : 0]),
  );
  const bays = s.bays ?? [];
  if (bays.length > 0) {
    family(
      'rikscha_station_bay_docked',
      'gauge',
      '1 while a rickshaw is docked in the bay',
      bays.map((b) => [{ ...station, bay: b.bay }, b.docked ? 1 : 0]),
    );
    for (const [key, help] of BAY_COUNTERS) {
      family(
        `rikscha_station_bay_${snake(key)}_total`,
        'counter',
        help,
        bays.map((b) => [{ ...station, bay: b.bay }, b.counters[key]]),
      );
    }
  }
  return `${out.join('\n')}\n`;
}
