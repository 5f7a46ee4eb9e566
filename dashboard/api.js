// The dashboard's only way to the outside: small wrappers around the broker's HTTP API (see DESIGN.md).
// Every call has a timeout, so a hung server shows the "no connection" banner instead of a frozen page.

const TIMEOUT_MS = 5000;

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, or 0 when the server was not reached
   */
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>} the parsed JSON body, or null for an empty one
 */
async function request(method, path, body) {
  const controller = new window.AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'AbortError';
    throw new ApiError(timedOut ? `${method} ${path}: no answer within ${TIMEOUT_MS} ms` : `${method} ${path}: server not reached`, 0);
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new ApiError(`${method} ${path}: HTTP ${res.status}`, res.status);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(`${method} ${path}: answer is not JSON`, res.status);
  }
}

/**
 * Accepts a bare array or an object wrapping it under one of the given keys.
 * @param {unknown} json
 * @param {string[]} keys
 * @returns {unknown[]}
 */
function listFrom(json, keys) {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    for (const key of keys) {
      const value = /** @type {Record<string, unknown>} */ (json)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return [];
}

/** @returns {Promise<any[]>} station items, sorted by id so the page keeps its order */
export async function getStations() {
  const items = listFrom(await request('GET', '/api/stations'), ['items', 'stations']);
  return /** @type {any[]} */ (items.filter((s) => s && typeof s === 'object'))
    .map((s) => ({ ...s, docks: Array.isArray(s.docks) ? [...s.docks].sort((a, b) => a.dock - b.dock) : [] }))
    .sort((a, b) => String(a.stationId).localeCompare(String(b.stationId)));
}

/** @param {string} id */
export async function getBattery(id) {
  return /** @type {Record<string, any> | null} */ (await request('GET', `/api/batteries/${encodeURIComponent(id)}`));
}

/** @param {string} id @returns {Promise<any[]>} history points, oldest first */
export async function getBatteryHistory(id) {
  const items = listFrom(await request('GET', `/api/batteries/${encodeURIComponent(id)}/history`), ['items', 'history', 'points']);
  return /** @type {any[]} */ (items.filter((p) => p && typeof p === 'object')).sort((a, b) => a.ts - b.ts);
}

/**
 * The simulator's state, or null when this server has no simulator (any 4xx answer).
 * @returns {Promise<Record<string, any> | null>}
 */
export async function getSim() {
  try {
    return /** @type {Record<string, any>} */ ((await request('GET', '/api/sim')) ?? {});
  } catch (err) {
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) return null;
    throw err;
  }
}

/** @param {number} dock @param {string} fault */
export function injectFault(dock, fault) {
  return request('POST', '/api/sim/faults', { dock, fault });
}

export function clearFaults() {
  return request('DELETE', '/api/sim/faults');
}

/** Presses a button on the simulated station's I/O board, as a trainee would. @param {string} button */
export function pressButton(button) {
  return request('POST', '/api/sim/buttons', { button });
}
