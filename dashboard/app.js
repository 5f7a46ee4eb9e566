// Entry point of the mechanics' dashboard: holds the state, polls the HTTP API every 2 s, routes on the URL hash
// (`#/` overview, `#/battery/<id>`) and patches the page after every change. When the API fails the last data stays
// on screen under a "no connection" banner; the page is never blanked.
import {
  ApiError,
  clearFaults,
  getBattery,
  getBatteryHistory,
  getFaultCodes,
  getSim,
  getStations,
  injectFault,
  pressButton,
} from './api.js';
import { installAuditActions, isAuditRoute, loadAudit, renderAuditPage } from './audit.js';
import { installRidesActions, isRidesRoute, loadRides, renderRidesPage } from './rides.js';
import { installLogbookActions, isLogbookRoute, loadLogbook, renderLogbookPage } from './logbook.js';
import {
  installBatteryListActions,
  isBatteryListRoute,
  loadBatteryList,
  paintBatteryList,
  renderBatteryListRoute,
} from './batteries.js';
import { installRentalActions, isRentalRoute, loadRental } from './rental.js';
import { renderRentalPage } from './render-rental.js';
import { clearOutcomes, renderDockActions, runAction } from './dock-actions.js';
import { faultCodesKnown, setFaultCodes } from './fault-codes.js';
import { installPassportActions, loadPassport, renderPassportRoute } from './passport.js';
import { fleetSlot, installFleetActions, loadFleet, paintFleet } from './fleet.js';
import { h, morphChildren } from './dom.js';
import { ago } from './format.js';
import { getLang, setLang, t } from './i18n.js';
import { DEFAULT_RANGE, HISTORY_RANGES, renderBattery } from './render-battery.js';
import { renderOverview } from './render-station.js';
import { installRickshawActions, loadRickshawRoute, renderRickshawRoute, rickshawRoute } from './rickshaws.js';
import { renderTraining } from './render-training.js';
import {
  checkSession,
  closeForm,
  isMechanic,
  openForm,
  renderLoginPanel,
  renderSessionControl,
  session,
  sessionEnded,
  submitLogin,
  submitLogout,
} from './session.js';

/** How often the API is polled, in ms. */
const POLL_MS = 2000;
/** How often relative times ("vor 3 s") are redrawn between polls, in ms. */
const TICK_MS = 1000;
/**
 * A longer history range is fetched again only this often, not on every poll: its newest bucket barely changes in
 * 2 s and the answer is up to HISTORY_LIMIT points.
 */
const LONG_HISTORY_MS = 60_000;
const HISTORY_LIMIT = 2000;

/**
 * @typedef {{ name: 'overview' } | { name: 'battery', id: string }} Route
 * @typedef {{ key: string, params?: Record<string, string | number>, ok: boolean }} Notice
 */

const state = {
  /** @type {import('./api.js').StationView[] | null} null until the first good answer */
  stations: null,
  /** @type {string | null} why the last poll failed; null when it worked */
  error: null,
  /** @type {number} epoch ms of the last good answer from /api/stations */
  lastOk: 0,
  /** @type {import('./api.js').SimState | null} */
  sim: null,
  /** @type {boolean | undefined} undefined until /api/sim has answered once */
  simAvailable: undefined,
  /** @type {import('./render-battery.js').BatteryPage | null} */
  battery: null,
  /** @type {Notice | null} */
  notice: null,
  /** @type {string | null} */
  pending: null,
  /** @type {string} the history range the reader chose; kept when moving to another battery */
  historyRange: DEFAULT_RANGE,
};

/** @returns {Route} */
function currentRoute() {
  const match = /^#\/battery\/(.+)$/.exec(location.hash);
  if (match?.[1]) {
    try {
      return { name: 'battery', id: decodeURIComponent(match[1]) };
    } catch {
      return { name: 'battery', id: match[1] };
    }
  }
  return { name: 'overview' };
}

/** True on the start page (the fleet overview), not on any of the other pages the hash can name. */
function isOverview() {
  const hash = location.hash;
  if (
    rickshawRoute(hash) ||
    isAuditRoute(hash) ||
    isBatteryListRoute(hash) ||
    isRentalRoute(hash) ||
    isRidesRoute(hash) ||
    isLogbookRoute(hash)
  )
    return false;
  return currentRoute().name === 'overview';
}

/** @param {unknown} err */
function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

async function loadStations() {
  try {
    state.stations = await getStations();
    state.lastOk = Date.now();
    state.error = null;
  } catch (err) {
    state.error = describe(err);
  }
}

async function loadSim() {
  try {
    const sim = await getSim();
    state.simAvailable = sim !== null;
    state.sim = sim;
  } catch {
    // server unreachable: the banner says so; keep the last simulator view
  }
}

/**
 * Every range asks from its start: "last hour" is the last hour (720 five-second samples at most), not the server's
 * newest 1,000 samples, which reach further back and across gaps.
 * @param {string} id
 * @param {string} range
 */
function fetchHistory(id, range) {
  const r = HISTORY_RANGES.find(([key]) => key === range) ?? HISTORY_RANGES[0];
  return getBatteryHistory(id, { from: Date.now() - r[1], limit: HISTORY_LIMIT, resolution: r[2] });
}

/** @param {string} id */
async function loadBattery(id) {
  if (state.battery?.id !== id) state.battery = { id, detail: null, history: null, notFound: false };
  const view = state.battery;
  const range = state.historyRange;
  const fresh =
    view.historyRange === range && range !== DEFAULT_RANGE && Date.now() - (view.historyAt ?? 0) < LONG_HISTORY_MS;
  const [detail, history] = await Promise.allSettled([getBattery(id), fresh ? null : fetchHistory(id, range)]);
  if (state.battery !== view) return; // the reader moved on meanwhile
  if (detail.status === 'fulfilled') {
    view.detail = detail.value;
    view.notFound = false;
  } else if (detail.reason instanceof ApiError && detail.reason.status === 404) {
    view.notFound = true;
  }
  // An answer for a range the reader has left since must not overwrite the newer choice.
  if (history.status === 'fulfilled' && history.value && state.historyRange === range) {
    view.history = history.value.points;
    view.resolution = history.value.resolution;
    view.historyRange = range;
    view.historyAt = Date.now();
  }
}

async function refresh() {
  const route = currentRoute();
  // The first answer is drawn as soon as the stations are in, not after the slower answers beside them.
  const first = state.stations === null;
  const jobs = [loadStations().then(() => first && state.stations !== null && render())];
  const rickshaws = rickshawRoute(location.hash);
  if (rickshaws) jobs.push(loadRickshawRoute(rickshaws));
  if (isAuditRoute(location.hash) && isMechanic()) jobs.push(loadAudit(sessionEnded));
  if (isRidesRoute(location.hash) && isMechanic()) jobs.push(loadRides(sessionEnded));
  if (isLogbookRoute(location.hash)) jobs.push(loadLogbook(isMechanic(), sessionEnded));
  if (isBatteryListRoute(location.hash)) jobs.push(loadBatteryList());
  if (isRentalRoute(location.hash) && isMechanic()) jobs.push(loadRental(sessionEnded));
  if (route.name === 'battery') jobs.push(loadBattery(route.id), loadPassport(route.id));
  if (isOverview()) jobs.push(loadFleet());
  // A server without a simulator answers 404 once and is not asked again.
  if (route.name === 'overview' && state.simAvailable !== false) jobs.push(loadSim());
  // Asked once at start; asked again only while no answer has settled it (server away at start).
  if (!session.known) jobs.push(checkSession());
  // The fault code table does not change while the server runs: asked until it has arrived once.
  if (!faultCodesKnown()) jobs.push(getFaultCodes().then(setFaultCodes));
  await Promise.allSettled(jobs);
}

function renderBanner() {
  if (!state.error) return null;
  return h(
    'div',
    { class: 'banner', role: 'alert', 'data-testid': 'error-banner' },
    h('strong', null, t('banner.offline')),
    h(
      'span',
      { class: 'banner-detail' },
      state.lastOk ? t('banner.lastData', { ago: ago(state.lastOk) }) : t('banner.noData'),
    ),
  );
}

function renderHeader() {
  const other = getLang() === 'de' ? 'en' : 'de';
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/', 'data-testid': 'home-link' }, t('app.title')),
    h('a', { class: 'nav-link', href: '#/rickshaws', 'data-testid': 'rickshaws-nav' }, t('nav.rickshaws')),
    isMechanic() && h('a', { class: 'nav-link', href: '#/rental', 'data-testid': 'rental-nav' }, t('nav.rental')),
    isMechanic() && h('a', { class: 'nav-link', href: '#/audit', 'data-testid': 'audit-nav' }, t('nav.audit')),
    isMechanic() && h('a', { class: 'nav-link', href: '#/rides', 'data-testid': 'rides-nav' }, t('nav.rides')),
    h('a', { class: 'nav-link', href: '#/batteries', 'data-testid': 'batteries-nav' }, t('nav.batteries')),
    h('a', { class: 'nav-link', href: '#/logbook', 'data-testid': 'logbook-nav' }, t('nav.logbook')),
    renderSessionControl(),
    h(
      'button',
      {
        type: 'button',
        class: 'button lang',
        'data-action': 'lang',
        'data-lang': other,
        'data-testid': 'lang-toggle',
        'aria-label': t('lang.switchLabel'),
        lang: other,
      },
      t('lang.switch'),
    ),
  );
}

function renderMain() {
  const rickshaws = rickshawRoute(location.hash);
  if (rickshaws) return renderRickshawRoute(rickshaws, isMechanic());
  if (isAuditRoute(location.hash)) return renderAuditPage(isMechanic());
  if (isRidesRoute(location.hash)) return renderRidesPage(isMechanic());
  if (isLogbookRoute(location.hash)) return renderLogbookPage(isMechanic());
  if (isBatteryListRoute(location.hash)) return renderBatteryListRoute();
  if (isRentalRoute(location.hash)) return renderRentalPage(isMechanic());
  const route = currentRoute();
  if (route.name === 'battery') {
    const view =
      state.battery?.id === route.id ? state.battery : { id: route.id, detail: null, history: null, notFound: false };
    return h(
      'main',
      { class: 'page', 'data-testid': 'page-battery' },
      renderBattery(view, state.stations, state.historyRange),
      renderPassportRoute(route.id, isMechanic()),
    );
  }
  const notice = state.notice ? { text: t(state.notice.key, state.notice.params), ok: state.notice.ok } : null;
  return h(
    'main',
    { class: 'page', 'data-testid': 'page-overview' },
    // The fleet overview patches its own slot (keyed rows) after the page's patch; see render().
    state.stations?.length ? fleetSlot() : renderOverview(state.stations, Date.now()),
    state.simAvailable && state.sim && renderTraining(state.sim, state.stations, notice, state.pending),
  );
}

function render() {
  const root = document.getElementById('app');
  if (!root) return;
  document.title = t('app.title');
  morphChildren(root, [
    renderHeader(),
    renderLoginPanel() ?? h('div', { class: 'login-slot', 'aria-hidden': 'true' }),
    renderBanner() ?? h('div', { class: 'banner-slot', 'aria-hidden': 'true' }),
    renderMain(),
  ]);
  if (state.stations?.length) paintFleet(root, state.stations, isMechanic() ? renderDockActions : undefined);
  paintBatteryList(root);
}

/**
 * Between polls only the relative times move. On the overview they are all inside the fleet's slot, which redraws
 * only what changed (nothing, in most seconds), unless the connection banner or the trainer's panel is showing:
 * then, and on every other page, the whole page is patched.
 */
function tick() {
  const root = document.getElementById('app');
  if (root && isOverview() && !state.error && !state.sim && state.stations?.length) {
    paintFleet(root, state.stations, isMechanic() ? renderDockActions : undefined);
  } else {
    render();
  }
}

// ---- polling --------------------------------------------------------------------------------------------------

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let running = false;
let again = false;

/** Polls now (or right after the poll in flight) and schedules the next one. */
async function poll() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  clearTimeout(timer);
  try {
    // A phone with the page in the background should not keep the radio busy.
    if (!document.hidden) await refresh();
  } finally {
    running = false;
    render();
    if (again) {
      again = false;
      void poll();
    } else {
      timer = setTimeout(poll, POLL_MS);
    }
  }
}

// ---- actions (one delegated listener: buttons are rebuilt, the listener is not) --------------------------------

/**
 * @param {string} key
 * @param {() => Promise<unknown>} send
 * @param {Notice} success
 */
async function act(key, send, success) {
  state.pending = key;
  render();
  try {
    await send();
    state.notice = success;
  } catch (err) {
    const forbidden = err instanceof ApiError && (err.status === 401 || err.status === 403);
    state.notice = forbidden
      ? { key: 'training.forbidden', ok: false }
      : { key: 'training.failed', params: { error: describe(err) }, ok: false };
  } finally {
    state.pending = null;
  }
  await loadSim();
  render();
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
  if (!target || target.hasAttribute('disabled')) return;
  const action = target.getAttribute('data-action');
  if (action === 'lang') {
    setLang(getLang() === 'de' ? 'en' : 'de');
    render();
  } else if (action === 'history-range') {
    const range = String(target.getAttribute('data-range'));
    if (range === state.historyRange || !HISTORY_RANGES.some(([key]) => key === range)) return;
    state.historyRange = range;
    render();
    void poll();
  } else if (action === 'sim-fault') {
    const dock = Number(target.getAttribute('data-dock'));
    const fault = String(target.getAttribute('data-fault'));
    void act(`sim-fault:${dock}:${fault}`, () => injectFault(dock, fault), {
      key: 'training.sent',
      params: { dock, fault: t(`fault.${fault}`) },
      ok: true,
    });
  } else if (action === 'sim-clear') {
    void act('sim-clear', () => clearFaults(), { key: 'training.cleared', ok: true });
  } else if (action === 'sim-ack') {
    void act('sim-ack', () => pressButton('acknowledge'), { key: 'training.pressed', ok: true });
  } else if (action === 'login-open') {
    openForm();
    render();
    focusField('login-user');
  } else if (action === 'login-close') {
    closeForm();
    render();
  } else if (action === 'logout') {
    void doLogout();
  } else if (action === 'dock-cmd') {
    void dockCommand(
      String(target.getAttribute('data-station')),
      Number(target.getAttribute('data-dock')),
      String(target.getAttribute('data-cmd')),
    );
  }
});

// ---- mechanic login and dock commands ---------------------------------------------------------------------------

/** @param {string} id */
function focusField(id) {
  const el = document.getElementById(id);
  if (el instanceof window.HTMLInputElement) el.focus();
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof window.HTMLFormElement) || form.getAttribute('data-testid') !== 'login-form') return;
  event.preventDefault();
  if (session.busy) return;
  const data = new window.FormData(form);
  void doLogin(String(data.get('username') ?? '').trim(), String(data.get('password') ?? ''));
});

/** @param {string} username @param {string} password */
async function doLogin(username, password) {
  const job = submitLogin(username, password);
  render();
  const ok = await job;
  render();
  if (!ok) {
    // Keep the user name, let them type the password again.
    const field = document.getElementById('login-password');
    if (field instanceof window.HTMLInputElement) field.value = '';
    focusField('login-password');
  }
}

async function doLogout() {
  const job = submitLogout();
  render();
  if (await job) clearOutcomes();
  render();
}

/** @param {string} stationId @param {number} dock @param {string} actionId */
async function dockCommand(stationId, dock, actionId) {
  const job = runAction(stationId, dock, actionId);
  render();
  const result = await job;
  if (result === 'unauthorized') {
    sessionEnded();
    clearOutcomes();
    render();
    focusField('login-user');
    return;
  }
  render();
  // The station has changed something: show it now rather than at the next regular poll.
  if (result === 'ok') void poll();
}

/** Where the overview was scrolled to when the reader left it: "back to the overview" returns there. */
let overviewScroll = 0;
let onOverview = isOverview();
window.addEventListener('hashchange', () => {
  const toOverview = isOverview();
  if (onOverview && !toOverview) overviewScroll = window.scrollY;
  onOverview = toOverview;
  render();
  window.scrollTo(0, toOverview ? overviewScroll : 0);
  void poll();
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void poll();
});

installAuditActions(() => {
  render();
  void poll();
});
installBatteryListActions(render);
installRidesActions({ render, reload: () => void poll(), unauthorized: () => (sessionEnded(), render()) });
installLogbookActions({ render, reload: () => void poll(), unauthorized: () => (sessionEnded(), render()) });
installRentalActions({ render, reload: () => void poll(), unauthorized: () => (sessionEnded(), render()) });
installPassportActions(render, () => {
  sessionEnded();
  render();
});
installFleetActions(render);
installRickshawActions(render, () => {
  sessionEnded();
  render();
});
setLang(getLang());
// The first requests go out before the first paint of the empty page, not after it.
void poll();
render();
setInterval(tick, TICK_MS);
