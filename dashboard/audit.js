// The audit trail page (`#/audit`, mechanics only): logins and commands, newest first, filtered by kind, with more
// loaded on request. app.js calls in here for this route; the server refuses the list to anyone else (401/403).
import { ApiError, getAudit } from './api.js';
import { h } from './dom.js';
import { locale, t } from './i18n.js';

/** @typedef {import('./api.js').AuditEntry} AuditEntry */

/** Entries per step of "older entries" (the API allows up to 500 per answer). */
const STEP = 50;
const MAX = 500;

const view = {
  /** @type {'all' | 'login' | 'command'} */
  kind: 'all',
  limit: STEP,
  /** @type {AuditEntry[] | null} null until the first answer */
  items: null,
  more: false,
  /** @type {string | null} */
  error: null,
};

/** @param {string} hash */
export function isAuditRoute(hash) {
  return /^#\/audit\/?$/.test(hash);
}

/**
 * Loads the newest entries of the chosen kind; a 401 means the session ended.
 * @param {() => void} unauthorized
 */
export async function loadAudit(unauthorized) {
  try {
    const list = await getAudit({ kind: view.kind === 'all' ? undefined : view.kind, limit: view.limit });
    view.items = list.items;
    view.more = list.next !== null && view.limit < MAX;
    view.error = null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      view.items = null;
      unauthorized();
      return;
    }
    view.error = err instanceof Error ? err.message : String(err);
  }
}

/** @param {number} epochMs */
function when(epochMs) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(epochMs));
}

/** @param {AuditEntry} e */
function details(e) {
  const lines = [];
  if (e.kind === 'command') {
    const station = e.stationId ?? '?';
    lines.push(e.dock === null ? station : t('audit.target', { station, dock: e.dock }));
    if (e.args) lines.push(t('audit.args', { args: JSON.stringify(e.args) }));
    if (e.answer !== null && e.answer !== undefined)
      lines.push(t('audit.answer', { answer: JSON.stringify(e.answer) }));
  }
  lines.push(t('audit.from', { address: e.address ?? '?', via: t(`audit.via.${e.via}`) }));
  if (e.reason) lines.push(t('audit.reason', { reason: e.reason }));
  return lines.map((line) => h('p', { class: 'audit-detail' }, line));
}

/** @param {AuditEntry} e */
function entry(e) {
  const what = e.kind === 'command' ? (e.command ?? '?') : t('audit.kind.login');
  return h(
    'li',
    { class: `card audit-entry audit-${e.outcome === 'ok' ? 'ok' : 'bad'}`, 'data-testid': 'audit-entry' },
    h(
      'div',
      { class: 'audit-head' },
      h('strong', { 'data-testid': 'audit-user' }, e.user || t('audit.anonymous')),
      h('span', null, what),
      h('span', { class: 'audit-outcome', 'data-testid': 'audit-outcome' }, t(`audit.outcome.${e.outcome}`)),
      h('time', { class: 'muted', datetime: new Date(e.ts).toISOString() }, when(e.ts)),
    ),
    details(e),
  );
}

/** @param {boolean} mechanic */
export function renderAuditPage(mechanic) {
  const body = !mechanic
    ? h('p', { class: 'muted', 'data-testid': 'audit-login-first' }, t('audit.loginFirst'))
    : [
        h(
          'div',
          { class: 'range-picker', role: 'group', 'aria-label': t('audit.filter') },
          /** @type {const} */ (['all', 'login', 'command']).map((kind) =>
            h(
              'button',
              {
                type: 'button',
                class: 'button range',
                'data-action': 'audit-kind',
                'data-kind': kind,
                'data-testid': `audit-kind-${kind}`,
                'aria-pressed': view.kind === kind ? 'true' : 'false',
              },
              t(`audit.filter.${kind}`),
            ),
          ),
        ),
        view.error && h('p', { class: 'notice bad', role: 'alert' }, t('audit.loadFailed', { error: view.error })),
        view.items === null
          ? h('p', { class: 'muted' }, t('app.loading'))
          : view.items.length === 0
            ? h('p', { class: 'muted' }, t('audit.none'))
            : h('ul', { class: 'audit-list', 'data-testid': 'audit-list' }, view.items.map(entry)),
        view.more &&
          h(
            'button',
            { type: 'button', class: 'button', 'data-action': 'audit-more', 'data-testid': 'audit-more' },
            t('audit.more'),
          ),
      ];
  return h(
    'main',
    { class: 'page', 'data-testid': 'page-audit' },
    h('section', { class: 'audit-page' }, h('h1', { class: 'audit-title' }, t('audit.title')), body),
  );
}

/**
 * The filter and "older entries" buttons (one delegated listener; the buttons are rebuilt on every render).
 * @param {() => void} reload polls now, which loads the list again
 */
export function installAuditActions(reload) {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    const action = target?.getAttribute('data-action');
    if (!target || (action !== 'audit-kind' && action !== 'audit-more')) return;
    if (action === 'audit-more') view.limit = Math.min(MAX, view.limit + STEP);
    else {
      const kind = target.getAttribute('data-kind');
      if (kind !== 'all' && kind !== 'login' && kind !== 'command') return;
      view.kind = kind;
      view.limit = STEP;
      view.items = null;
    }
    reload();
  });
}
