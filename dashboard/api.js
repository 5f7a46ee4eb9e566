// The dashboard's only way to the outside: small wrappers around the broker's HTTP API (see DESIGN.md).
// Every call has a timeout, so a hung server shows the "no connection" banner instead of a frozen page.
// The answers' types come from the HTTP contract the broker builds them with (contract/http-api.ts, sim-api.ts):
// `npm run check` type-checks this folder against it (dashboard/tsconfig.json), so there is no shape guessing here.

/**
 * @typedef {import('../contract/http-api.ts').StationView} StationView
 * @typedef {import('../contract/http-api.ts').StationList} StationList
 * @typedef {import('../contract/http-api.ts').BatteryView} BatteryView
 * @typedef {import('../contract/http-api.ts').BatteryHistory} BatteryHistory
 * @typedef {import('../contract/http-api.ts').BatteryPoint} BatteryPoint
 * @typedef {import('../contract/http-api.ts').HistoryResolution} HistoryResolution
 * @typedef {import('../contract/http-api.ts').SessionAnswer} SessionAnswer
 * @typedef {import('../contract/http-api.ts').LoginAnswer} LoginAnswer
 * @typedef {import('../contract/http-api.ts').CommandAnswer} CommandAnswer
 * @typedef {import('../contract/http-api.ts').FaultCodeTable} FaultCodeTable
 * @typedef {import('../contract/http-api.ts').AuditEntry} AuditEntry
 * @typedef {import('../contract/http-api.ts').AuditList} AuditList
 * @typedef {import('../contract/fault-codes.ts').FaultCodeEntry} FaultCodeEntry
 * @typedef {import('../contract/messages.ts').DockTelemetry} DockTelemetry
 * @typedef {import('../contract/messages.ts').BatteryTelemetry} BatteryTelemetry
 * @typedef {import('../contract/messages.ts').ChargerTelemetry} ChargerTelemetry
 * @typedef {import('../contract/sim-api.ts').SimState} SimState
 * @typedef {import('../contract/sim-api.ts').SimActiveFault} SimActiveFault
 */

const TIMEOUT_MS = 5000;
/**
 * The last answer and ETag of recent GET paths: asked again with If-None-Match, an unchanged answer is a 304 with no
 * body, and the page gets the very object it had (so a view can tell nothing changed). Bounded: history paths vary.
 * @type {Map<string, { etag: string, value: unknown }>}
 */
const etags = new Map();
const ETAG_PATHS = 16;
/**
 * A station command waits for the station's answer: the broker gives up first and says so (504 with a reason), so
 * the page must wait longer than the broker or it would only ever see its own abort.
 */
const COMMAND_TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, or 0 when the server was not reached
   * @param {string | null} [detail] the server's own `error` text, shown to the user where it helps (a refusal)
   * @param {string | null} [code] the server's refusal code, where it gives one (the rental desk's)
   */
  constructor(message, status, detail = null, code = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.code = code;
  }
}

/** @param {string} text @returns {string | null} */
function errorText(text) {
  try {
    const json = JSON.parse(text);
    return json && typeof json.error === 'string' && json.error ? json.error : null;
  } catch {
    return null;
  }
}

/** @param {string} text @returns {string | null} */
function refusalCode(text) {
  try {
    const json = JSON.parse(text);
    return json && typeof json.code === 'string' ? json.code : null;
  } catch {
    return null;
  }
}

/**
 * The answer boot.js asked for before this script ran, taken once: later calls ask again.
 * @param {string} path
 * @returns {Promise<Response> | undefined}
 */
function takeEarly(path) {
  const early = /** @type {Window & { rikschaEarly?: Map<string, Promise<Response>> }} */ (window).rikschaEarly;
  const answer = early?.get(path);
  early?.delete(path);
  return answer;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {number} [timeoutMs]
 * @returns {Promise<unknown>} the parsed JSON body, or null for an empty one
 */
async function request(method, path, body, timeoutMs = TIMEOUT_MS) {
  const controller = new window.AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  /** @type {Response} */
  let res;
  const early = method === 'GET' && body === undefined ? takeEarly(path) : undefined;
  try {
    res = await (early ??
      fetch(path, {
        method,
        // The broker only takes a POST that says it is JSON: a form on another site cannot send that (CSRF guard).
        headers:
          body === undefined
            ? {
                accept: 'application/json',
                ...(method === 'GET' && etags.has(path) ? { 'if-none-match': etags.get(path)?.etag } : {}),
              }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: 'no-store',
        // The session cookie goes to our own server only.
        credentials: 'same-origin',
      }));
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'AbortError';
    throw new ApiError(
      timedOut ? `${method} ${path}: no answer within ${timeoutMs} ms` : `${method} ${path}: server not reached`,
      0,
    );
  } finally {
    clearTimeout(timer);
  }
  const cached = etags.get(path);
  if (res.status === 304 && cached) return cached.value;
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    const detail = errorText(text);
    throw new ApiError(
      `${method} ${path}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`,
      res.status,
      detail,
      refusalCode(text),
    );
  }
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    const etag = method === 'GET' ? res.headers.get('etag') : null;
    etags.delete(path);
    if (etag) etags.set(path, { etag, value });
    if (etags.size > ETAG_PATHS) etags.delete(etags.keys().next().value ?? '');
    return value;
  } catch {
    throw new ApiError(`${method} ${path}: answer is not JSON`, res.status);
  }
}

/** The last stations answer and the sorted list made of it: an unchanged answer (a 304) gives the same array. */
/** @type {{ from: StationList | null, items: StationView[] }} */
let sortedStations = { from: null, items: [] };

/** @returns {Promise<StationView[]>} station items, sorted by id so the page keeps its order, docks by number */
export async function getStations() {
  const list = /** @type {StationList} */ (await request('GET', '/api/stations'));
  if (sortedStations.from === list) return sortedStations.items;
  const items = list.items
    .map((s) => ({ ...s, docks: [...s.docks].sort((a, b) => a.dock - b.dock) }))
    // By code unit, not localeCompare: ids are plain ASCII, and the first localeCompare of a page builds an ICU
    // collator (~50 ms on the start page's critical path).
    .sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0));
  sortedStations = { from: list, items };
  return items;
}

/** Every pack the central store has seen, with its latest reading and health summary. @returns {Promise<BatteryView[]>} */
export async function getBatteries() {
  return /** @type {import('../contract/http-api.ts').BatteryList} */ (await request('GET', '/api/batteries')).items;
}

/**
 * What needs a person in the fleet, worst first (GET /api/attention).
 * @returns {Promise<import('../contract/http-api.ts').AttentionItem[]>}
 */
export async function getAttention() {
  return /** @type {import('../contract/http-api.ts').AttentionList} */ (await request('GET', '/api/attention')).items;
}

/** @param {string} id @returns {Promise<BatteryView>} */
export async function getBattery(id) {
  return /** @type {BatteryView} */ (await request('GET', `/api/batteries/${encodeURIComponent(id)}`));
}

/**
 * History points, oldest first, and the resolution the server answered with ("5s" ... "1d"). Without `from` the
 * server sends its newest 5-second samples.
 * @param {string} id
 * @param {{ from?: number, limit?: number, resolution?: HistoryResolution }} [range]
 * @returns {Promise<BatteryHistory>}
 */
export async function getBatteryHistory(id, range = {}) {
  const query = new window.URLSearchParams();
  if (range.from !== undefined) query.set('from', String(Math.round(range.from)));
  if (range.limit !== undefined) query.set('limit', String(range.limit));
  if (range.resolution !== undefined) query.set('resolution', range.resolution);
  const qs = query.toString();
  const path = `/api/batteries/${encodeURIComponent(id)}/history${qs ? `?${qs}` : ''}`;
  return /** @type {BatteryHistory} */ (await request('GET', path));
}

/** @typedef {import('../contract/battery-health.ts').Passport} Passport */
/** @typedef {import('../contract/battery-health.ts').WorkRecord} WorkRecord */

/** A pack's life in one answer: stays, charge sessions, alerts, estimates and their trend, work records. */
export async function getPassport(/** @type {string} */ id) {
  return /** @type {Passport} */ (await request('GET', `/api/batteries/${encodeURIComponent(id)}/passport`));
}

/**
 * A mechanic records work done on a pack (401 without a login, 403 for a viewer).
 * @param {string} id
 * @param {WorkRecord['kind']} kind
 * @param {string} note empty for none
 * @returns {Promise<WorkRecord>}
 */
export async function addWorkRecord(id, kind, note) {
  const body = note ? { kind, note } : { kind };
  return /** @type {WorkRecord} */ (
    await request('POST', `/api/batteries/${encodeURIComponent(id)}/work-records`, body)
  );
}

/** The fault code table, to name a dock's fault by its code. @returns {Promise<FaultCodeEntry[]>} */
export async function getFaultCodes() {
  return /** @type {FaultCodeTable} */ (await request('GET', '/api/fault-codes')).items;
}

/**
 * The simulator's state, or null when this server has no simulator (any 4xx answer).
 * @returns {Promise<SimState | null>}
 */
export async function getSim() {
  try {
    return /** @type {SimState} */ (await request('GET', '/api/sim'));
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

/** @typedef {LoginAnswer} SessionUser */

/**
 * Who this browser is logged in as; null when nobody is (the server answers 200 with a null username then, so
 * that a visitor who never logs in does not see an error in the browser's console on every page load).
 * @returns {Promise<SessionUser | null>}
 */
export async function getSession() {
  const answer = /** @type {SessionAnswer} */ (await request('GET', '/api/session'));
  return answer.username === null ? null : answer;
}

/**
 * Sets the session cookie on success; 401 (wrong credentials) and 403 (not a mechanic) come back as ApiError.
 * @param {string} username
 * @param {string} password
 * @returns {Promise<SessionUser>}
 */
export async function login(username, password) {
  return /** @type {LoginAnswer} */ (await request('POST', '/api/login', { username, password }));
}

export function logout() {
  // An empty JSON object: the broker's CSRF guard wants a JSON content type on every POST.
  return request('POST', '/api/logout', {});
}

/**
 * Sends a mechanic's command to one station; resolves to the station's result.
 * @param {string} stationId
 * @param {string} name e.g. "stop-charging"
 * @param {number} dock
 * @param {Record<string, unknown>} [args]
 */
export async function sendCommand(stationId, name, dock, args) {
  const path = `/api/stations/${encodeURIComponent(stationId)}/commands/${encodeURIComponent(name)}`;
  const body = args === undefined ? { dock } : { dock, args };
  const answer = /** @type {CommandAnswer} */ (await request('POST', path, body, COMMAND_TIMEOUT_MS));
  return answer.result;
}

/** @typedef {import('../contract/rickshaw-api.ts').RickshawSummary} RickshawSummary */
/** @typedef {import('../contract/rickshaw-api.ts').RickshawDetail} RickshawDetail */

/** @returns {Promise<RickshawSummary[]>} */
export async function getRickshaws() {
  const json = /** @type {{ items?: RickshawSummary[] } | null} */ (await request('GET', '/api/rickshaws'));
  return Array.isArray(json?.items) ? json.items : [];
}

/** @param {string} id @returns {Promise<RickshawDetail>} */
export async function getRickshaw(id) {
  return /** @type {RickshawDetail} */ (await request('GET', `/api/rickshaws/${encodeURIComponent(id)}`));
}

/** A mechanic records service tasks done now. @param {string} id @param {string[]} tasks */
export async function recordService(id, tasks) {
  return /** @type {RickshawDetail} */ (
    await request('POST', `/api/rickshaws/${encodeURIComponent(id)}/services`, { tasks })
  );
}

/** A mechanic names a rickshaw in the registry. @param {string} id @param {string} name */
export async function nameRickshaw(id, name) {
  return /** @type {RickshawDetail} */ (
    await request('POST', `/api/rickshaws/${encodeURIComponent(id)}/name`, { name })
  );
}

/**
 * The audit trail, newest first (mechanics only: 401 without a login).
 * @param {{ kind?: 'login' | 'command', limit?: number, before?: number }} [query]
 * @returns {Promise<AuditList>}
 */
export async function getAudit(query = {}) {
  const q = new window.URLSearchParams();
  if (query.kind) q.set('kind', query.kind);
  if (query.limit !== undefined) q.set('limit', String(query.limit));
  if (query.before !== undefined) q.set('before', String(query.before));
  const qs = q.toString();
  return /** @type {AuditList} */ (await request('GET', `/api/audit${qs ? `?${qs}` : ''}`));
}

/**
 * @typedef {import('../contract/rental-api.ts').BookingView} BookingView
 * @typedef {import('../contract/rental-api.ts').RentalOverview} RentalOverview
 * @typedef {import('../contract/rental-api.ts').Problem} Problem
 * @typedef {import('../contract/rental-api.ts').BookingBody} BookingBody
 */

/** The rental desk's bookings overlapping [from, to) (staff only). @param {number} from @param {number} to */
export async function getBookings(from, to) {
  const json = /** @type {{ items: BookingView[] }} */ (await request('GET', `/api/bookings?from=${from}&to=${to}`));
  return json.items;
}

/** Items, locations, timeframes and restrictions for the desk's forms. @returns {Promise<RentalOverview>} */
export async function getRentalOverview() {
  return /** @type {RentalOverview} */ (await request('GET', '/api/rental'));
}

/** Open problem reports from returns. @returns {Promise<Problem[]>} */
export async function getProblems() {
  return /** @type {{ items: Problem[] }} */ (await request('GET', '/api/rental/problems')).items;
}

/**
 * A rental desk POST: a booking (waits for the station's answer to the pack reservation), check-out, return,
 * cancel, timeframe, restriction, closing a problem report.
 * @param {string} path below /api/
 * @param {unknown} body
 */
export async function rentalPost(path, body) {
  return request('POST', `/api/${path}`, body, COMMAND_TIMEOUT_MS);
}

/**
 * @typedef {import('../contract/ride-requests-api.ts').RideRequestList} RideRequestList
 * @typedef {import('../contract/ride-requests-api.ts').RideRequest} RideRequest
 */

/** Open ride requests and the counts of old ones (staff only). @returns {Promise<RideRequestList>} */
export async function getRideRequests() {
  return /** @type {RideRequestList} */ (await request('GET', '/api/ride-requests'));
}

/** @param {{ name: string, pickup: string, pickupAt: number, needs: string[] }} body @returns {Promise<RideRequest>} */
export async function postRideRequest(body) {
  return /** @type {RideRequest} */ (await request('POST', '/api/ride-requests', body));
}

/** @param {string} id */
export async function deleteRideRequest(id) {
  await request('DELETE', `/api/ride-requests/${encodeURIComponent(id)}`);
}

/**
 * @typedef {import('../contract/logbook.ts').LogbookEntry} LogbookEntry
 * @typedef {import('../contract/logbook.ts').TraineeRecord} TraineeRecord
 * @typedef {{ items: Array<Omit<TraineeRecord, 'tasks' | 'weeks' | 'entries'>> }} TraineeList
 * @typedef {{ items: Array<{ trainee: number, name: string, updatedAt: number, updatedBy: string }> }} TraineeNameList
 */

/** Logbook (open, numbers only): recent runs, trainees, one trainee's record; names need a staff login. */
export const logbookApi = {
  runs: async () => /** @type {{ items: LogbookEntry[] }} */ (await request('GET', '/api/logbook')),
  trainees: async () => /** @type {TraineeList} */ (await request('GET', '/api/trainees')),
  record: async (/** @type {number} */ n) => /** @type {TraineeRecord} */ (await request('GET', `/api/trainees/${n}`)),
  names: async () => /** @type {TraineeNameList} */ (await request('GET', '/api/trainee-names')),
  setName: (/** @type {number} */ n, /** @type {string} */ name) => request('PUT', `/api/trainee-names/${n}`, { name }),
  deleteName: (/** @type {number} */ n) => request('DELETE', `/api/trainee-names/${n}`),
  /** @param {string} stationId @param {string} runId @param {number | null} trainee */
  assign: (stationId, runId, trainee) =>
    request('POST', `/api/logbook/${encodeURIComponent(stationId)}/${encodeURIComponent(runId)}/trainee`, { trainee }),
};
