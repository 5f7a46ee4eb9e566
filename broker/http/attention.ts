// `GET /api/attention`: everything in the fleet that needs a person, worst first, in one answer, built from the
// stations' latest docks (rated with the same limits as a battery's health) and the open battery-health alerts.

import {
  ATTENTION_KINDS,
  HEALTH_ALERT_CODES,
  type AttentionItem,
  type AttentionKind,
  type StationView,
} from '../../contract/http-api.ts';
import type { StoredAlert } from '../health/alert-store.ts';
import { batteryHealth } from '../store/read-queries.ts';

/** Where a pack was last seen, for an alert about a pack that sits in no dock now. */
export type PlaceOf = (batteryId: string) => { stationId: string; dock: number } | undefined;

const KIND_RANK = new Map<AttentionKind, number>(ATTENTION_KINDS.map((k, i) => [k, i]));
const ALERT_RANK = new Map<string, number>(HEALTH_ALERT_CODES.map((c, i) => [c, i]));
/** Health alerts rank by their code (figures of different codes do not compare); other kinds all rank equal here. */
const codeRank = (x: AttentionItem): number => (x.kind === 'health-alert' ? (ALERT_RANK.get(x.code ?? '') ?? 99) : 0);

type Draft = Omit<AttentionItem, 'key' | 'code' | 'value' | 'since' | 'reason' | 'batteryId' | 'dock'> &
  Partial<Pick<AttentionItem, 'code' | 'value' | 'since' | 'reason' | 'batteryId' | 'dock'>>;

function item(d: Draft): AttentionItem {
  const full = {
    code: null,
    value: null,
    since: null,
    reason: null,
    batteryId: null,
    dock: null,
    ...d,
  };
  const key = [full.kind, full.code ?? '', full.stationId ?? '', full.dock ?? '', full.batteryId ?? ''].join('|');
  return { key, ...full };
}

function dockItems(station: StationView): AttentionItem[] {
  const out: AttentionItem[] = [];
  const at = { stationId: station.stationId };
  for (const d of station.docks) {
    const where = `${station.stationId} dock ${d.dock}`;
    const batteryId = d.battery?.id ?? null;
    if (d.state === 'fault')
      out.push(
        item({
          ...at,
          dock: d.dock,
          batteryId,
          kind: 'dock-fault',
          severity: 'fault',
          code: d.code ?? null,
          reason: d.reason ?? null,
          message: `${where} is in fault${d.code ? ` (${d.code})` : ''}: ${d.reason ?? 'no reason given'}.`,
        }),
      );
    if (d.alarm)
      out.push(
        item({
          ...at,
          dock: d.dock,
          batteryId,
          kind: 'alarm',
          severity: 'fault',
          code: d.alarm,
          message: `${where}: the station could not confirm a safety action (${d.alarm}).`,
        }),
      );
    if (d.awaitingAck)
      out.push(
        item({
          ...at,
          dock: d.dock,
          batteryId,
          kind: 'awaiting-ack',
          severity: 'warning',
          code: d.code ?? null,
          message: `${where}: the fault is gone and waits for someone to press the acknowledge button.`,
        }),
      );
    if (!d.battery) continue;
    const health = batteryHealth(d.battery, null);
    for (const a of health.alerts) {
      const base = { ...at, dock: d.dock, batteryId, severity: a.severity };
      if (a.code === 'over-temperature')
        out.push(item({ ...base, kind: 'hot', value: health.maxTempC, message: `${where}: pack ${a.message}.` }));
      else if (a.code === 'cell-imbalance')
        out.push(
          item({ ...base, kind: 'cell-spread', value: health.cellSpreadMv, message: `${where}: pack ${a.message}.` }),
        );
      else if (a.code.startsWith('protection:'))
        out.push(
          item({
            ...base,
            kind: 'protection',
            code: a.code.slice('protection:'.length),
            message: `${where}: ${a.message}.`,
          }),
        );
    }
  }
  return out;
}

/**
 * The attention list. `stations` as `GET /api/stations` answers them; `alerts` the open battery-health alerts; `now`
 * for the age of stale data. A station that is offline is one `stale` item unless a `no-data` alert says it already.
 */
export function attentionItems(
  stations: readonly StationView[],
  alerts: readonly StoredAlert[],
  placeOf: PlaceOf,
  now: number,
): AttentionItem[] {
  const items: AttentionItem[] = [];
  const docked = new Map<string, { stationId: string; dock: number }>();
  const silent = new Set(alerts.filter((a) => a.code === 'no-data').map((a) => a.subjectId));
  for (const s of stations) {
    for (const d of s.docks) if (d.battery) docked.set(d.battery.id, { stationId: s.stationId, dock: d.dock });
    items.push(...dockItems(s));
    if (!s.online && !silent.has(s.stationId)) {
      const age = s.lastSeen === null ? null : Math.max(0, Math.round((now - s.lastSeen) / 1000));
      items.push(
        item({
          stationId: s.stationId,
          kind: 'stale',
          severity: 'warning',
          value: age,
          since: s.lastSeen,
          message:
            age === null
              ? `${s.stationId} has sent no data yet.`
              : `${s.stationId} is offline or silent: its data is ${age} s old.`,
        }),
      );
    }
  }
  for (const a of alerts) {
    const place = a.subjectKind === 'battery' ? (docked.get(a.subjectId) ?? placeOf(a.subjectId)) : undefined;
    items.push(
      item({
        kind: 'health-alert',
        severity: a.severity,
        code: a.code,
        stationId: a.subjectKind === 'station' ? a.subjectId : (place?.stationId ?? null),
        dock: place?.dock ?? null,
        batteryId: a.subjectKind === 'battery' ? a.subjectId : null,
        value: a.value,
        since: a.raisedAt,
        message: `${a.message} ${a.action}`,
      }),
    );
  }
  return items.sort(worstFirst);
}

/**
 * Faults before warnings; then by kind (ATTENTION_KINDS order) and a health alert's code; then the bigger figure (the
 * hotter pack, the wider spread, the older silence); then station and dock.
 */
export function worstFirst(a: AttentionItem, b: AttentionItem): number {
  const sev = (x: AttentionItem): number => (x.severity === 'fault' ? 0 : 1);
  return (
    sev(a) - sev(b) ||
    (KIND_RANK.get(a.kind) ?? 99) - (KIND_RANK.get(b.kind) ?? 99) ||
    codeRank(a) - codeRank(b) ||
    (b.value ?? -Infinity) - (a.value ?? -Infinity) ||
    (a.stationId ?? '').localeCompare(b.stationId ?? '') ||
    (a.dock ?? 0) - (b.dock ?? 0) ||
    a.key.localeCompare(b.key)
  );
}
