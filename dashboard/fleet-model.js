// The fleet overview's judgements, without DOM: counts by state, a station's worst level, an attention item in the
// reader's words, and what a search matches. The ratings themselves come from the API (GET /api/attention).
import { healthAlertText } from './alert-words.js';
import { ago, num } from './format.js';
import { has, t } from './i18n.js';
import { reasonText } from './render-station.js';

/**
 * @typedef {import('../contract/http-api.ts').StationView} StationView
 * @typedef {import('../contract/http-api.ts').AttentionItem} AttentionItem
 * @typedef {import('../contract/rickshaw-api.ts').RickshawSummary} RickshawSummary
 * @typedef {'fault' | 'warning' | 'offline' | 'ok'} Level
 */

/** Dock states in the order the counts show them: what needs a person first. */
export const COUNT_STATES = ['fault', 'maintenance', 'charging', 'balancing', 'full', 'idle', 'empty'];

/** @type {Record<Level, string>} symbols beside the words: colour is never the only signal */
export const LEVEL_ICONS = { fault: '⚠', warning: '!', offline: '⌁', ok: '✓' };

/** @param {StationView[]} stations */
export function fleetCounts(stations) {
  /** @type {Record<string, number>} */
  const docks = {};
  let online = 0;
  let total = 0;
  for (const s of stations) {
    if (s.online) online += 1;
    for (const d of s.docks) {
      docks[d.state] = (docks[d.state] ?? 0) + 1;
      total += 1;
    }
  }
  return { stations: stations.length, online, docks, dockTotal: total };
}

/**
 * Attention items by station, each list worst first as the API sent them.
 * @param {AttentionItem[]} items
 */
export function byStation(items) {
  /** @type {Map<string, AttentionItem[]>} */
  const map = new Map();
  for (const item of items) {
    if (item.stationId === null) continue;
    const list = map.get(item.stationId);
    if (list) list.push(item);
    else map.set(item.stationId, [item]);
  }
  return map;
}

/**
 * A station's worst level: a fault anywhere, else a warning, else offline, else all right.
 * @param {StationView} station
 * @param {AttentionItem[] | undefined} items
 * @returns {Level}
 */
export function stationLevel(station, items) {
  if (items?.some((i) => i.severity === 'fault')) return 'fault';
  if (items?.length) return 'warning';
  return station.online ? 'ok' : 'offline';
}

/**
 * What an attention item says, in the page's language; the API's English message only for a code the page does
 * not know yet.
 * @param {AttentionItem} item
 * @param {number} now
 */
export function attentionText(item, now) {
  switch (item.kind) {
    case 'dock-fault':
      return item.reason || item.code
        ? t('attn.dock-fault', { reason: reasonText(item.reason ?? '', item.code ?? undefined) })
        : t('attn.dock-fault.none');
    case 'alarm':
      return t('attn.alarm', { alarm: has(`alarm.${item.code}`) ? t(`alarm.${item.code}`) : String(item.code) });
    case 'protection':
      return t('attn.protection', { flag: String(item.code) });
    case 'hot':
      return t('attn.hot', { value: num(item.value, '°C', 0) });
    case 'cell-spread':
      return t('attn.cell-spread', { value: num(item.value, 'mV', 0) });
    case 'stale':
      return item.since === null ? t('attn.stale.never') : t('attn.stale', { ago: ago(item.since, now) });
    case 'health-alert':
      return has(`alert.${item.code}`)
        ? healthAlertText(item.code, item.value, item.message)
        : t('attn.health-alert', { message: item.message });
    default:
      return t(`attn.${item.kind}`);
  }
}

/**
 * The stations a search names, and why: by station id, by a pack in one of its docks, by a rickshaw in one of its
 * bays (id or name). Case does not matter; an empty search matches every station.
 * @param {StationView[]} stations
 * @param {RickshawSummary[] | null} rickshaws
 * @param {string} query
 * @returns {Map<string, { packs: string[], rickshaws: string[] }> | null} null for an empty search
 */
export function searchStations(stations, rickshaws, query) {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  /** @type {Map<string, { packs: string[], rickshaws: string[] }>} */
  const hits = new Map();
  const hit = (/** @type {string} */ id) => {
    let entry = hits.get(id);
    if (!entry) hits.set(id, (entry = { packs: [], rickshaws: [] }));
    return entry;
  };
  for (const s of stations) {
    if (s.stationId.toLowerCase().includes(q)) hit(s.stationId);
    for (const d of s.docks) if (d.battery?.id.toLowerCase().includes(q)) hit(s.stationId).packs.push(d.battery.id);
  }
  for (const r of rickshaws ?? []) {
    const place = r.lastSeen?.stationId;
    if (!place || !r.present) continue;
    if (r.id.toLowerCase().includes(q) || (r.name ?? '').toLowerCase().includes(q))
      hit(place).rickshaws.push(r.name ?? r.id);
  }
  return hits;
}

/**
 * True when an attention item belongs to what the search shows: its station matched, or its pack does.
 * @param {AttentionItem} item
 * @param {Map<string, unknown> | null} hits
 * @param {string} query
 */
export function itemMatches(item, hits, query) {
  if (hits === null) return true;
  const q = query.trim().toLowerCase();
  return (item.stationId !== null && hits.has(item.stationId)) || !!item.batteryId?.toLowerCase().includes(q);
}
