// A mechanic's buttons under each dock (stop or resume charging, acknowledge a fault, maintenance on or off): which
// of them fit the dock's state, sending one to its station, and the outcome shown under the dock.
import { ApiError, sendCommand } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** How long a success note stays under its dock, in ms. A failure stays until the next command on that dock. */
const SUCCESS_SHOWN_MS = 20_000;
/** The reason text of a dock held off by stop-charging, for stations that do not send the `stopped` flag yet. */
const STOPPED_REASON = 'stopped by command';

/**
 * Each button of the dashboard and the station command it sends. The id names the button, its label (`action.<id>`)
 * and its success note (`done.<id>`).
 * @type {Record<string, { command: string, args?: Record<string, unknown>, tone: string }>}
 */
const ACTIONS = {
  'stop-charging': { command: 'stop-charging', tone: 'warn' },
  'resume-charging': { command: 'resume-charging', tone: '' },
  acknowledge: { command: 'acknowledge', tone: 'danger-solid' },
  'maintenance-on': { command: 'maintenance', args: { on: true }, tone: '' },
  'maintenance-off': { command: 'maintenance', args: { on: false }, tone: '' },
};

/**
 * The buttons that make sense for a dock now. A dock the station holds off says so in its reason, and only then is
 * resuming offered: on any other idle dock "resume" would do nothing.
 * @param {import('./api.js').DockTelemetry} dock
 * @returns {string[]} action ids
 */
export function actionsFor(dock) {
  const state = dock.state;
  const out = [];
  if (state === 'charging' || state === 'balancing') out.push('stop-charging');
  else if (state === 'idle' || state === 'full')
    out.push(dock.stopped === true || dock.reason === STOPPED_REASON ? 'resume-charging' : 'stop-charging');
  if (state === 'fault') out.push('acknowledge');
  out.push(state === 'maintenance' ? 'maintenance-off' : 'maintenance-on');
  return out;
}

/** @typedef {{ key: string, params?: Record<string, string | number>, ok: boolean, at: number }} Outcome */

/** @type {Map<string, string>} dock key -> id of the action being sent; the dock's buttons wait meanwhile */
const pending = new Map();
/** @type {Map<string, Outcome>} dock key -> how its last command went */
const outcomes = new Map();

/** @param {string} stationId @param {number} dock */
function dockKey(stationId, dock) {
  return `${stationId}\u0000${dock}`;
}

/** Forgets every outcome, e.g. on logout, so the next mechanic does not read the last one's results. */
export function clearOutcomes() {
  outcomes.clear();
}

/**
 * What to tell the mechanic about a failed command, as an i18n key. The broker's own text is shown where it says
 * more than the status does: a station's refusal above all ("fault still present").
 * @param {unknown} err
 * @returns {{ key: string, params?: Record<string, string | number> }}
 */
function failure(err) {
  if (!(err instanceof ApiError)) return { key: 'cmd.failed', params: { error: String(err) } };
  const reason = err.detail ?? err.message;
  switch (err.status) {
    case 0:
      return { key: 'cmd.noAnswer' };
    case 400:
      return { key: 'cmd.invalid', params: { error: reason } };
    case 403:
      return { key: 'cmd.forbidden' };
    case 404:
      return { key: 'cmd.unknownStation' };
    case 409:
      return { key: 'cmd.offline' };
    case 422:
      return { key: 'cmd.refused', params: { error: reason } };
    case 504:
      return { key: 'cmd.timeout' };
    default:
      return { key: 'cmd.failed', params: { error: reason } };
  }
}

/**
 * Sends one dock action. The dock counts as pending from the moment this is called (before the first await), so a
 * render right after the call already shows its buttons disabled.
 * @param {string} stationId
 * @param {number} dock
 * @param {string} actionId
 * @returns {Promise<'ok' | 'failed' | 'unauthorized' | 'busy'>} 'unauthorized': the session has ended (401)
 */
export async function runAction(stationId, dock, actionId) {
  const action = ACTIONS[actionId];
  const key = dockKey(stationId, dock);
  if (!action || pending.has(key)) return 'busy';
  pending.set(key, actionId);
  outcomes.delete(key);
  try {
    await sendCommand(stationId, action.command, dock, action.args);
    outcomes.set(key, { key: `done.${actionId}`, ok: true, at: Date.now() });
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return 'unauthorized';
    outcomes.set(key, { ...failure(err), ok: false, at: Date.now() });
    return 'failed';
  } finally {
    pending.delete(key);
  }
}

/**
 * The button row and the last outcome, for under a dock tile (outside its link, so a tap never also navigates).
 * @param {string} stationId
 * @param {import('./api.js').DockTelemetry} dock
 * @param {number} [now]
 */
export function renderDockActions(stationId, dock, now = Date.now()) {
  const tid = `${stationId}-${dock.dock}`;
  const key = dockKey(stationId, dock.dock);
  const running = pending.get(key) ?? null;
  const outcome = outcomes.get(key);
  const shown = outcome && (!outcome.ok || now - outcome.at < SUCCESS_SHOWN_MS) ? outcome : null;
  let note = null;
  if (running) {
    note = h(
      'p',
      { class: 'outcome pending', role: 'status', 'data-testid': `dock-outcome-${tid}` },
      t('action.sending', { action: t(`action.${running}`) }),
    );
  } else if (shown) {
    note = h(
      'p',
      { class: `outcome ${shown.ok ? 'ok' : 'bad'}`, role: 'status', 'data-testid': `dock-outcome-${tid}` },
      h('span', { 'aria-hidden': 'true' }, shown.ok ? '✓ ' : '⚠ '),
      t(shown.key, shown.params),
    );
  }
  return h(
    'div',
    {
      class: 'dock-actions',
      role: 'group',
      'aria-label': t('action.group', { n: dock.dock }),
      'data-testid': `dock-actions-${tid}`,
    },
    actionsFor(dock).map((id) =>
      h(
        'button',
        {
          type: 'button',
          class: `button action${ACTIONS[id]?.tone ? ` ${ACTIONS[id]?.tone}` : ''}`,
          'data-action': 'dock-cmd',
          'data-station': stationId,
          'data-dock': dock.dock,
          'data-cmd': id,
          'data-testid': `dock-action-${tid}-${id}`,
          disabled: running !== null,
          'aria-busy': running === id ? 'true' : undefined,
        },
        t(`action.${id}`),
      ),
    ),
    note,
  );
}
