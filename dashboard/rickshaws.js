// The rickshaw pages' state and actions: which route is shown, loading the list or one rickshaw on every poll, and a
// mechanic's "done" for a service task or a name for a new rickshaw. app.js calls in here for these routes.
import { ApiError, getRickshaw, getRickshaws, nameRickshaw, recordService } from './api.js';
import { h } from './dom.js';
import { getLang, t } from './i18n.js';
import { renderRickshawList, renderRickshawPage } from './render-rickshaws.js';

/** @typedef {{ name: 'rickshaws' } | { name: 'rickshaw', id: string }} RickshawRoute */

/** @type {import('./render-rickshaws.js').RickshawSummary[] | null} */
let list = null;
/** @type {import('./render-rickshaws.js').RickshawView | null} */
let view = null;

/** The route for a URL hash, or null when it is not a rickshaw page. @param {string} hash @returns {RickshawRoute | null} */
export function rickshawRoute(hash) {
  if (/^#\/rickshaws\/?$/.test(hash)) return { name: 'rickshaws' };
  const m = /^#\/rickshaw\/([^/]+)$/.exec(hash);
  if (!m?.[1]) return null;
  try {
    return { name: 'rickshaw', id: decodeURIComponent(m[1]) };
  } catch {
    return { name: 'rickshaw', id: m[1] };
  }
}

/** @param {RickshawRoute} route */
export async function loadRickshawRoute(route) {
  if (route.name === 'rickshaws') {
    list = await getRickshaws();
    return;
  }
  if (view?.id !== route.id) view = { id: route.id, detail: null, notFound: false, pending: null, outcome: null };
  const v = view;
  try {
    v.detail = await getRickshaw(route.id);
    v.notFound = false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) v.notFound = true;
    else throw err;
  }
}

/** @param {RickshawRoute} route @param {boolean} mechanic */
export function renderRickshawRoute(route, mechanic) {
  const now = Date.now();
  if (route.name === 'rickshaws')
    return h('main', { class: 'page', 'data-testid': 'page-rickshaws' }, renderRickshawList(list, now));
  const v =
    view?.id === route.id ? view : { id: route.id, detail: null, notFound: false, pending: null, outcome: null };
  return h('main', { class: 'page', 'data-testid': 'page-rickshaw' }, renderRickshawPage(v, mechanic, now));
}

/** @param {unknown} err */
const describe = (err) =>
  err instanceof ApiError && err.detail ? err.detail : err instanceof Error ? err.message : String(err);

/**
 * Runs one mechanic action on the rickshaw shown, with its outcome under the page's head.
 * @param {string} key
 * @param {() => Promise<import('./render-rickshaws.js').RickshawDetail>} send
 * @param {(d: import('./render-rickshaws.js').RickshawDetail) => string} okText
 * @param {() => void} render
 * @param {() => void} unauthorized
 */
async function run(key, send, okText, render, unauthorized) {
  const v = view;
  if (!v || v.pending) return;
  v.pending = key;
  render();
  try {
    const d = await send();
    v.detail = d;
    v.outcome = { text: okText(d), ok: true };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) unauthorized();
    v.outcome = { text: t('rk.doneFailed', { error: describe(err) }), ok: false };
  } finally {
    v.pending = null;
    render();
  }
}

/**
 * One delegated listener each for the buttons and the name form (they are rebuilt on every render; the listeners
 * are not).
 * @param {() => void} render
 * @param {() => void} unauthorized the session ended: app.js opens the login
 */
export function installRickshawActions(render, unauthorized) {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    if (!target || target.hasAttribute('disabled') || target.getAttribute('data-action') !== 'rickshaw-service') return;
    const task = String(target.getAttribute('data-task'));
    const id = view?.id;
    if (!id) return;
    const label = view?.detail?.services.find((s) => s.task === task)?.label[getLang()] ?? task;
    void run(
      `service:${task}`,
      () => recordService(id, [task]),
      () => t('rk.doneOk', { task: label }),
      render,
      unauthorized,
    );
  });
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof window.HTMLFormElement) || form.getAttribute('data-testid') !== 'rickshaw-name-form') return;
    event.preventDefault();
    const name = String(new window.FormData(form).get('name') ?? '').trim();
    const id = view?.id;
    if (!id || !name) return;
    void run(
      'name',
      () => nameRickshaw(id, name),
      (d) => t('rk.namedOk', { name: d.name ?? name }),
      render,
      unauthorized,
    );
  });
}
