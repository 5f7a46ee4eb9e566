// The battery list (`#/batteries`): every pack the central store has seen, worst first, sortable and filterable by
// health, cycles, cell spread, resistance, last seen and alerts. Each pack's state is a word and an icon, never a
// colour alone. Pure: builds nodes from the list and the reader's choices; batteries.js holds state and events.
import { batteryAlertText } from './alert-words.js';
import { h } from './dom.js';
import { ago, isNum, num } from './format.js';
import { getLang, t } from './i18n.js';

/**
 * @typedef {import('./api.js').BatteryView} BatteryView
 * @typedef {'worst' | 'soh' | 'cycles' | 'spread' | 'resistance' | 'lastSeen' | 'alerts' | 'id'} SortKey
 * @typedef {'all' | 'alerts' | 'replace' | 'retire' | 'unknown' | 'spread' | 'missing'} FilterKey
 * @typedef {{ sort: SortKey, reverse: boolean, filter: FilterKey, query: string }} ListOptions
 */

/** @type {SortKey[]} */
export const SORT_KEYS = ['worst', 'soh', 'cycles', 'spread', 'resistance', 'lastSeen', 'alerts', 'id'];
/** @type {FilterKey[]} */
export const FILTER_KEYS = ['all', 'alerts', 'replace', 'retire', 'unknown', 'spread', 'missing'];

/** The alert levels of issue 13: plan a replacement under 80 %, retire under 70 %. */
const SOH_REPLACE_PCT = 80;
const SOH_RETIRE_PCT = 70;
/** A cell spread above this is worth a look (the API's own warning level for the latest reading). */
const SPREAD_WARN_MV = 50;
/** Not seen at any station for this long counts as missing here (the alert check has its own configured limit). */
const MISSING_MS = 7 * 86_400_000;

const STATUS_ICON = { fault: '✖', warning: '⚠', ok: '✓' };

/** @param {BatteryView} b @returns {'fault' | 'warning' | 'ok'} */
export function statusOf(b) {
  const alerts = b.health.alerts;
  if (alerts.some((a) => a.severity === 'fault')) return 'fault';
  if (alerts.length > 0) return 'warning';
  return 'ok';
}

/** @param {BatteryView} b */
const severityRank = (b) => ({ fault: 2, warning: 1, ok: 0 })[statusOf(b)];

/**
 * Compares two possibly unknown numbers so that the higher comes first and unknown values go last.
 * @param {number | null} a @param {number | null} b
 */
function desc(a, b) {
  if (!isNum(a)) return isNum(b) ? 1 : 0;
  if (!isNum(b)) return -1;
  return b - a;
}

/** @param {number | null} a @param {number | null} b */
function asc(a, b) {
  if (!isNum(a)) return isNum(b) ? 1 : 0;
  if (!isNum(b)) return -1;
  return a - b;
}

/**
 * Each key's order puts the pack that most needs a person first: lowest health, most cycles, widest spread,
 * highest resistance, longest unseen, most severe alerts. Ties fall back to the worst order, then the id.
 * @type {Record<SortKey, (a: BatteryView, b: BatteryView) => number>}
 */
const COMPARE = {
  worst: (a, b) =>
    severityRank(b) - severityRank(a) ||
    asc(a.health.stateOfHealthPct, b.health.stateOfHealthPct) ||
    desc(a.health.cellSpreadMv, b.health.cellSpreadMv),
  soh: (a, b) => asc(a.health.stateOfHealthPct, b.health.stateOfHealthPct),
  cycles: (a, b) => desc(a.health.cycles, b.health.cycles),
  spread: (a, b) => desc(a.health.cellSpreadMv, b.health.cellSpreadMv),
  resistance: (a, b) => desc(a.health.internalResistanceMOhm, b.health.internalResistanceMOhm),
  lastSeen: (a, b) => a.ts - b.ts,
  alerts: (a, b) => severityRank(b) - severityRank(a) || b.health.alerts.length - a.health.alerts.length,
  id: () => 0,
};

/**
 * @param {FilterKey} filter
 * @param {number} now
 * @returns {(b: BatteryView) => boolean}
 */
function filterFn(filter, now) {
  const soh = (/** @type {BatteryView} */ b) => b.health.stateOfHealthPct;
  switch (filter) {
    case 'alerts':
      return (b) => b.health.alerts.length > 0;
    case 'replace':
      return (b) => isNum(soh(b)) && Number(soh(b)) < SOH_REPLACE_PCT;
    case 'retire':
      return (b) => isNum(soh(b)) && Number(soh(b)) < SOH_RETIRE_PCT;
    case 'unknown':
      return (b) => !isNum(soh(b));
    case 'spread':
      return (b) => isNum(b.health.cellSpreadMv) && Number(b.health.cellSpreadMv) > SPREAD_WARN_MV;
    case 'missing':
      return (b) => now - b.ts > MISSING_MS;
    default:
      return () => true;
  }
}

/**
 * The packs to show, in order. A sort key's tie-breaks stay in their own direction when the reader reverses it.
 * @param {BatteryView[]} items
 * @param {ListOptions} opts
 * @param {number} now
 */
export function selectBatteries(items, opts, now) {
  const q = opts.query.trim().toLowerCase();
  const keep = filterFn(opts.filter, now);
  const primary = COMPARE[opts.sort];
  const sign = opts.reverse ? -1 : 1;
  return items
    .filter((b) => keep(b) && (!q || b.batteryId.toLowerCase().includes(q) || b.stationId.toLowerCase().includes(q)))
    .sort(
      (a, b) =>
        sign * primary(a, b) ||
        COMPARE.worst(a, b) ||
        (a.batteryId < b.batteryId ? -1 : a.batteryId > b.batteryId ? 1 : 0),
    );
}

/** The figures of a row, in the order of its columns. @type {Array<'soh' | 'cycles' | 'spread' | 'resistance' | 'lastSeen'>} */
const FIGS = ['soh', 'cycles', 'spread', 'resistance', 'lastSeen'];

/**
 * An empty row in the page's language, cloned for each pack: a clone and a dozen text writes cost a fraction of
 * building its 20 elements one by one, which was most of the list's script time with 1,000 packs.
 * @type {{ lang: string, row: HTMLElement } | null}
 */
let blank = null;

function blankRow() {
  const lang = getLang();
  if (blank?.lang === lang) return blank.row;
  const row = h(
    'li',
    { class: 'bl-row' },
    h('a', { class: 'bl-id' }),
    h('span', { class: 'bl-status' }, h('span', { 'aria-hidden': 'true' }), h('span')),
    FIGS.map((key) =>
      h(
        'span',
        { class: `bl-fig bl-${key}` },
        h('span', { class: 'bl-label' }, t(`bl.col.${key}`)),
        h('span', { class: 'bl-value' }),
      ),
    ),
    h('span', { class: 'bl-alerts' }),
  );
  blank = { lang, row };
  return row;
}

/**
 * What a row shows; also its signature (a row whose texts are the same is left alone).
 * @param {BatteryView} b
 * @param {number} now
 */
function rowTexts(b, now) {
  const soh = b.health.stateOfHealthPct;
  const ri = b.health.internalResistanceMOhm;
  const first = b.health.alerts[0];
  const more = b.health.alerts.length - 1;
  return {
    status: statusOf(b),
    figs: [
      isNum(soh) ? num(soh, '%', 0) : null,
      num(b.health.cycles, '', 0),
      num(b.health.cellSpreadMv, 'mV', 0),
      isNum(ri) ? num(ri, 'mΩ', 0) : null,
      `${ago(b.ts, now)} · ${b.stationId}/${b.dock}`,
    ],
    alerts: first ? `${batteryAlertText(first)}${more > 0 ? ` ${t('bl.more', { n: more })}` : ''}` : t('bl.noAlerts'),
  };
}

/**
 * Writes a pack into a row cloned from blankRow(). An unknown estimate says so in words (never 0, never a dash).
 * @param {Element} el
 * @param {BatteryView} b
 * @param {ReturnType<typeof rowTexts>} x
 */
function fillRow(el, b, x) {
  const [id, status, ...rest] = el.children;
  el.className = `bl-row bl-st-${x.status}`;
  el.setAttribute('data-id', b.batteryId);
  id?.setAttribute('href', `#/battery/${encodeURIComponent(b.batteryId)}`);
  if (id) id.textContent = b.batteryId;
  if (status) {
    status.className = `bl-status bl-st-${x.status}`;
    const [icon, word] = status.children;
    if (icon) icon.textContent = STATUS_ICON[x.status];
    if (word) word.textContent = t(`bl.status.${x.status}`);
  }
  x.figs.forEach((text, i) => {
    const fig = rest[i];
    fig?.classList.toggle('bl-unknown', text === null);
    const value = fig?.lastElementChild;
    if (value) value.textContent = text ?? t('bl.noData');
  });
  const alerts = rest[FIGS.length];
  if (alerts) alerts.textContent = x.alerts;
}

/** @type {WeakMap<Element, string>} the texts each row was last written with */
const written = new WeakMap();

/**
 * Puts the packs into the live list in order, keyed by pack: a row whose texts are unchanged is only moved (a
 * re-sort moves rows, a poll rewrites the few that changed), a new pack gets a cloned row, a gone one is removed.
 * The list is marked `data-managed`, so the page's morph leaves it to this.
 * @param {Element} list
 * @param {BatteryView[]} shown
 * @param {number} now
 */
export function patchRows(list, shown, now) {
  /** @type {Map<string, Element>} */
  const old = new Map();
  for (const el of list.children) old.set(el.getAttribute('data-id') ?? '', el);
  const lang = getLang();
  let cursor = list.firstElementChild;
  for (const b of shown) {
    const texts = rowTexts(b, now);
    const sig = `${lang}|${texts.status}|${texts.figs.join('|')}|${texts.alerts}`;
    let el = old.get(b.batteryId);
    old.delete(b.batteryId);
    if (!el || written.get(el) !== sig) {
      // A row of the other language has the other labels: it is cloned afresh.
      if (!el || !written.get(el)?.startsWith(`${lang}|`)) {
        const fresh = /** @type {Element} */ (blankRow().cloneNode(true));
        if (el) el.replaceWith(fresh);
        if (el === cursor) cursor = fresh;
        el = fresh;
      }
      fillRow(el, b, texts);
      written.set(el, sig);
    }
    if (el === cursor) cursor = el.nextElementSibling;
    else list.insertBefore(el, cursor);
  }
  for (const el of old.values()) el.remove();
}

/**
 * @param {string} name
 * @param {string} testid
 * @param {string} label
 * @param {string[]} keys
 * @param {string} chosen
 * @param {string} prefix translation key prefix of the options
 */
function select(name, testid, label, keys, chosen, prefix) {
  return h(
    'label',
    { class: 'bl-control' },
    h('span', null, label),
    h(
      'select',
      { name, 'data-testid': testid, 'data-action': 'battery-list' },
      keys.map((k) => h('option', { value: k, selected: k === chosen }, t(`${prefix}${k}`))),
    ),
  );
}

/** @param {ListOptions} opts */
function controls(opts) {
  return h(
    'div',
    { class: 'bl-controls', role: 'search' },
    h(
      'label',
      { class: 'bl-control bl-search' },
      h('span', null, t('bl.search')),
      h('input', {
        type: 'search',
        name: 'query',
        'data-testid': 'battery-search',
        'data-action': 'battery-list',
        placeholder: t('bl.searchPlaceholder'),
        autocomplete: 'off',
      }),
    ),
    select('sort', 'battery-sort', t('bl.sort'), SORT_KEYS, opts.sort, 'bl.sort.'),
    select('filter', 'battery-filter', t('bl.filter'), FILTER_KEYS, opts.filter, 'bl.filter.'),
    h(
      'button',
      {
        type: 'button',
        class: 'button bl-reverse',
        'data-action': 'battery-reverse',
        'data-testid': 'battery-reverse',
        'aria-pressed': opts.reverse ? 'true' : 'false',
      },
      opts.reverse ? t('bl.reversed') : t('bl.worstFirst'),
    ),
  );
}

/**
 * The page around the rows (patchRows fills them after the page's patch).
 * @param {BatteryView[] | null} items null while the first answer is on its way
 * @param {BatteryView[]} shown the packs to show, in order (selectBatteries)
 * @param {ListOptions} opts
 */
export function renderBatteryList(items, shown, opts) {
  const head = h('h1', { class: 'bl-title' }, t('bl.title'));
  if (items === null)
    return h(
      'section',
      { class: 'bl-page', 'data-testid': 'battery-list' },
      head,
      h('p', { class: 'muted' }, t('app.loading')),
    );
  const counts = { fault: 0, warning: 0, ok: 0 };
  for (const b of items) counts[statusOf(b)] += 1;
  return h(
    'section',
    { class: 'bl-page', 'data-testid': 'battery-list' },
    head,
    h(
      'p',
      { class: 'bl-summary', 'data-testid': 'battery-summary' },
      t('bl.summary', { shown: shown.length, total: items.length, fault: counts.fault, warning: counts.warning }),
    ),
    controls(opts),
    items.length === 0
      ? h('p', { class: 'muted' }, t('bl.none'))
      : // Filled by patchRows after the page's patch (batteries.js), keyed by pack.
        h('ol', { class: 'bl-list', 'data-testid': 'battery-rows', 'aria-label': t('bl.title'), 'data-managed': '' }),
  );
}
