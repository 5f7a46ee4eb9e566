// The read-only JSON API for the dashboard: stations with their latest docks and seq bookkeeping, batteries with
// a health summary, a battery's history, and the fleet's attention list. Lists answer { items: [...] }. Every answer is
// built as its type in contract/http-api.ts (test/broker/http-contract.test.ts parses each real answer with its schema).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAULT_CODES } from '../../contract/fault-codes.ts';
import {
  HISTORY_RESOLUTIONS,
  type BatteryHistory,
  type BatteryList,
  type BatteryView,
  type FaultCodeTable,
  type HistoryResolution,
  type StationList,
  type StationView,
  type AttentionList,
} from '../../contract/http-api.ts';
import { resolutionFor, type ReadQueries } from '../store/read-queries.ts';
import { attentionItems, type PlaceOf } from './attention.ts';
import { sendError, sendJson } from './respond.ts';

export interface ApiDeps {
  queries: ReadQueries;
  now: () => number;
  /** A station silent for longer than this counts as offline even if its last status said online (ms). */
  staleAfterMs: number;
  /** How long the 5-second samples and the 1-minute aggregates are kept (days): picks the history's resolution. */
  historyDays: { samples: number; minutes: number };
}

const HISTORY_DEFAULT_LIMIT = 1000;
const HISTORY_MAX_LIMIT = 10_000;

/** Handles /api/stations..., /api/batteries..., /api/fault-codes and /api/attention; false for any other path. */
export function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): boolean {
  const path = url.pathname.replace(/\/+$/, '');
  const parts = path.split('/').slice(1); // ['api', 'batteries', id, 'history']
  const known =
    parts[1] === 'stations' || parts[1] === 'batteries' || path === '/api/fault-codes' || path === '/api/attention';
  if (parts[0] !== 'api' || !known) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendError(res, 405, 'method not allowed');
    return true;
  }
  if (path === '/api/fault-codes') {
    sendJson(res, 200, { items: [...FAULT_CODES] } satisfies FaultCodeTable);
    return true;
  }
  if (path === '/api/attention') {
    sendJson(res, 200, attention(deps));
    return true;
  }
  if (parts[1] === 'stations') {
    if (parts.length === 2) {
      sendJson(res, 200, { items: deps.queries.stations(deps.now(), deps.staleAfterMs) } satisfies StationList);
      return true;
    }
    const station =
      parts.length === 3
        ? deps.queries
            .stations(deps.now(), deps.staleAfterMs)
            .find((s) => s.stationId === decodeURIComponent(parts[2] ?? ''))
        : undefined;
    if (station) sendJson(res, 200, station satisfies StationView);
    else sendError(res, 404, 'no such station');
    return true;
  }
  if (parts.length === 2) {
    sendJson(res, 200, { items: deps.queries.batteriesList() } satisfies BatteryList);
    return true;
  }
  const id = decodeURIComponent(parts[2] ?? '');
  const battery = deps.queries.batteryById(id);
  if (!battery || parts.length > 4 || (parts.length === 4 && parts[3] !== 'history')) {
    sendError(res, 404, battery ? 'not found' : 'no such battery');
    return true;
  }
  if (parts.length === 3) {
    sendJson(res, 200, battery satisfies BatteryView);
    return true;
  }
  const from = intParam(url, 'from', 0);
  const to = intParam(url, 'to', Number.MAX_SAFE_INTEGER);
  const limit = Math.min(
    HISTORY_MAX_LIMIT,
    Math.max(1, intParam(url, 'limit', HISTORY_DEFAULT_LIMIT) ?? HISTORY_DEFAULT_LIMIT),
  );
  if (from === null || to === null) {
    sendError(res, 400, 'from and to must be epoch milliseconds');
    return true;
  }
  const asked = url.searchParams.get('resolution') ?? 'auto';
  if (asked !== 'auto' && !(HISTORY_RESOLUTIONS as readonly string[]).includes(asked)) {
    sendError(res, 400, `resolution must be auto, ${HISTORY_RESOLUTIONS.join(', ')}`);
    return true;
  }
  // Without `from` the question is "the latest": the newest samples, as before there was a choice.
  const auto = url.searchParams.has('from') ? resolutionFor(from, deps.now(), deps.historyDays) : '5s';
  const resolution = asked === 'auto' ? auto : (asked as HistoryResolution);
  sendJson(res, 200, {
    batteryId: id,
    from,
    to,
    resolution,
    points: deps.queries.history(id, from, to, limit, resolution),
  } satisfies BatteryHistory);
  return true;
}

function attention(deps: ApiDeps): AttentionList {
  const now = deps.now();
  let places: Map<string, { stationId: string; dock: number }> | undefined;
  // Only an alert about a pack in no dock needs the batteries table; read it once per answer, and only then.
  const placeOf: PlaceOf = (id) => {
    places ??= new Map(deps.queries.batteriesList().map((b) => [b.batteryId, b]));
    return places.get(id);
  };
  const stations = deps.queries.stations(now, deps.staleAfterMs);
  return { items: attentionItems(stations, deps.queries.alerts.openAlerts(), placeOf, now) };
}

function intParam(url: URL, name: string, fallback: number): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}
