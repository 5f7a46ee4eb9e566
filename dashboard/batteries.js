// The battery list's state and events: which route is shown, the list loaded on every poll, and the reader's sort,
// filter and search (kept while moving to a pack's page and back). app.js calls in here for `#/batteries`.
import { getBatteries } from './api.js';
import { h } from './dom.js';
import { FILTER_KEYS, SORT_KEYS, patchRows, renderBatteryList, selectBatteries } from './render-batteries.js';

/** @type {import('./api.js').BatteryView[] | null} */
let list = null;
/** @type {import('./render-batteries.js').ListOptions} */
const options = { sort: 'worst', reverse: false, filter: 'all', query: '' };

/** @param {string} hash */
export function isBatteryListRoute(hash) {
  return /^#\/batteries\/?$/.test(hash);
}

export async function loadBatteryList() {
  list = await getBatteries();
}

/** The packs shown and what they were chosen from: the page redraws every second, the choice changes far less. */
/** @type {{ from: unknown[], shown: import('./api.js').BatteryView[] }} */
let chosen = { from: [], shown: [] };

function shownNow() {
  const from = [list, options.sort, options.reverse, options.filter, options.query];
  if (!from.every((x, i) => x === chosen.from[i]))
    chosen = { from, shown: list ? selectBatteries(list, options, Date.now()) : [] };
  return chosen.shown;
}

export function renderBatteryListRoute() {
  return h('main', { class: 'page', 'data-testid': 'page-batteries' }, renderBatteryList(list, shownNow(), options));
}

/**
 * Fills the list's rows after the page's patch, if the list is showing.
 * @param {Element} root
 */
export function paintBatteryList(root) {
  const rows = root.querySelector('[data-testid="battery-rows"][data-managed]');
  if (rows) patchRows(rows, shownNow(), Date.now());
}

/**
 * One delegated listener per event kind: the controls are rebuilt on every render, the listeners are not. Sorting
 * and filtering work on the list already loaded, so the page answers at once.
 * @param {() => void} render
 */
export function installBatteryListActions(render) {
  /** @param {Event} event */
  const onChange = (event) => {
    const el = event.target;
    if (!(el instanceof window.HTMLElement) || el.getAttribute('data-action') !== 'battery-list') return;
    const value = el instanceof window.HTMLInputElement || el instanceof window.HTMLSelectElement ? el.value : '';
    const name = el.getAttribute('name');
    if (name === 'query') options.query = value;
    const sort = SORT_KEYS.find((k) => k === value);
    if (name === 'sort' && sort) options.sort = sort;
    const filter = FILTER_KEYS.find((k) => k === value);
    if (name === 'filter' && filter) options.filter = filter;
    render();
  };
  document.addEventListener('input', onChange);
  document.addEventListener('change', onChange);
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action]') : null;
    if (target?.getAttribute('data-action') !== 'battery-reverse') return;
    options.reverse = !options.reverse;
    render();
  });
}
