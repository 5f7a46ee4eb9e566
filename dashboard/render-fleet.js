// The fleet overview (the start page): counts by state, the attention list worst first, a search, and one line per
// station that opens on demand. It owns its container: rows are keyed (an attention item by its key, a station by
// its id) and rebuilt only when their own text changed, so a poll of 50 stations touches a handful of nodes.
import { h, morph } from './dom.js';
import {
  attentionText,
  byStation,
  COUNT_STATES,
  fleetCounts,
  itemMatches,
  LEVEL_ICONS,
  searchStations,
  stationLevel,
} from './fleet-model.js';
import { num } from './format.js';
import { getLang, t } from './i18n.js';
import { renderStation, STATE_ICONS } from './render-station.js';

/**
 * @typedef {import('../contract/http-api.ts').StationView} StationView
 * @typedef {import('../contract/http-api.ts').AttentionItem} AttentionItem
 * @typedef {import('../contract/rickshaw-api.ts').RickshawSummary} RickshawSummary
 * @typedef {import('./render-station.js').DockExtra} DockExtra
 * @typedef {{ stations: StationView[], attention: AttentionItem[] | null, attentionFailed: boolean,
 *   rickshaws: RickshawSummary[] | null, query: string, isOpen: (id: string, only: boolean) => boolean,
 *   now: number, dockExtra?: DockExtra }} FleetData
 * @typedef {{ key: string, sig: string, build: () => HTMLElement, always?: boolean }} Row
 */

/** Rows shown in the attention list; the rest are counted. A list longer than this is read by searching. */
const ATTENTION_SHOWN = 50;

/** @type {WeakMap<Element, string>} the signature each keyed row was built from */
const built = new WeakMap();

/**
 * Puts `rows` into `parent` in order, reusing the element of each key: untouched when its signature is the same,
 * patched (morph keeps focus and open details) when it differs; rows whose key is gone are removed.
 * @param {Element} parent
 * @param {Row[]} rows
 */
export function patchKeyed(parent, rows) {
  /** @type {Map<string, Element>} */
  const old = new Map();
  for (const el of parent.children) old.set(el.getAttribute('data-key') ?? '', el);
  let cursor = parent.firstElementChild;
  for (const row of rows) {
    let el = old.get(row.key);
    old.delete(row.key);
    if (!el) {
      el = row.build();
      el.setAttribute('data-key', row.key);
      built.set(el, row.sig);
    } else if (row.always || built.get(el) !== row.sig) {
      const fresh = row.build();
      fresh.setAttribute('data-key', row.key);
      morph(el, fresh);
      built.set(el, row.sig);
    }
    if (el === cursor) cursor = el.nextElementSibling;
    else parent.insertBefore(el, cursor);
  }
  for (const el of old.values()) el.remove();
}

/** @param {'fault' | 'warning' | 'offline' | 'ok'} level @param {string} testid */
function levelChip(level, testid) {
  return h(
    'span',
    { class: `chip level-${level}`, 'data-testid': testid, 'data-level': level },
    h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, LEVEL_ICONS[level]),
    t(`level.${level}`),
  );
}

/** @param {ReturnType<typeof fleetCounts>} c @param {AttentionItem[] | null} items */
function buildCounts(c, items) {
  const faults = items?.filter((i) => i.severity === 'fault').length ?? 0;
  const warnings = (items?.length ?? 0) - faults;
  return h(
    'section',
    { class: 'fleet-counts card', 'data-testid': 'fleet-counts', 'aria-label': t('fleet.counts') },
    h(
      'p',
      { class: 'fleet-stations', 'data-testid': 'count-stations' },
      t('fleet.stations', { online: c.online, total: c.stations }),
      ' · ',
      t('fleet.docks', { n: c.dockTotal }),
    ),
    items &&
      h(
        'p',
        { class: `fleet-needs${faults ? ' has-faults' : ''}`, 'data-testid': 'count-attention' },
        h('span', { 'aria-hidden': 'true' }, faults ? '⚠ ' : warnings ? '! ' : '✓ '),
        t('fleet.needsCount', { faults, warnings }),
      ),
    h(
      'ul',
      { class: 'state-counts' },
      COUNT_STATES.filter((s) => c.docks[s]).map((s) =>
        h(
          'li',
          { class: `chip state-${s}`, 'data-testid': `count-${s}` },
          h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, STATE_ICONS[s] ?? '?'),
          `${c.docks[s]} ${t(`state.${s}`)}`,
        ),
      ),
    ),
  );
}

/** @param {AttentionItem} item @param {number} now */
function buildItem(item, now) {
  const where =
    item.stationId === null
      ? null
      : item.dock === null
        ? t('fleet.where', { station: item.stationId })
        : t('fleet.whereDock', { station: item.stationId, dock: item.dock });
  return h(
    'li',
    {
      class: `attn level-${item.severity}`,
      'data-testid': 'attention-item',
      'data-kind': item.kind,
      'data-severity': item.severity,
      'data-station': item.stationId ?? undefined,
      'data-dock': item.dock ?? undefined,
    },
    levelChip(item.severity, 'attention-level'),
    h(
      'div',
      { class: 'attn-body' },
      h('p', { class: 'attn-text', 'data-testid': 'attention-text' }, attentionText(item, now)),
      h(
        'p',
        { class: 'attn-where muted', 'data-testid': 'attention-where' },
        where,
        item.batteryId &&
          h(
            'a',
            { href: `#/battery/${encodeURIComponent(item.batteryId)}`, class: 'attn-pack' },
            t('fleet.pack', { id: item.batteryId }),
          ),
      ),
    ),
    item.stationId &&
      h(
        'button',
        { type: 'button', class: 'button small', 'data-action': 'fleet-show', 'data-station': item.stationId },
        t('fleet.show'),
      ),
  );
}

/**
 * A station's one-line summary: its worst point in words, or its docks by state.
 * @param {StationView} s
 * @param {AttentionItem[] | undefined} items
 * @param {number} now
 */
function lineSummary(s, items, now) {
  const first = items?.[0];
  if (first) {
    const more = items.length > 1 ? ` (${t('fleet.more', { n: items.length - 1 })})` : '';
    return `${first.dock === null ? '' : `${t('dock.title', { n: first.dock })}: `}${attentionText(first, now)}${more}`;
  }
  /** @type {Record<string, number>} */
  const n = {};
  for (const d of s.docks) n[d.state] = (n[d.state] ?? 0) + 1;
  return COUNT_STATES.filter((st) => n[st])
    .map((st) => `${n[st]} ${t(`state.${st}`)}`)
    .join(', ');
}

/**
 * Words a dock tile's cell spread as the API rated it: a 206 mV spread that is a fault says so, not only a plain
 * number (the temperature tile already says "hot" by itself).
 * @param {HTMLElement} card
 * @param {string} stationId
 * @param {AttentionItem[] | undefined} items
 */
function rateTiles(card, stationId, items) {
  for (const item of items ?? []) {
    if (item.kind !== 'cell-spread' || item.dock === null) continue;
    const dd = card.querySelector(`[data-testid="dock-spread-${stationId}-${item.dock}"]`);
    if (!dd) continue;
    dd.textContent = `${LEVEL_ICONS[item.severity]} ${num(item.value, 'mV', 0)} ${t(`level.${item.severity}`)}`;
    dd.parentElement?.classList.add(`rated-${item.severity}`);
  }
}

/**
 * @param {StationView} s
 * @param {AttentionItem[] | undefined} items
 * @param {{ packs: string[], rickshaws: string[] } | undefined} hit
 * @param {boolean} open
 * @param {FleetData} data
 */
function buildLine(s, items, hit, open, data) {
  const id = s.stationId;
  const level = stationLevel(s, items);
  let body = null;
  if (open) {
    const card = renderStation(s, data.now, data.dockExtra);
    rateTiles(card, id, items);
    body = h('div', { class: 'station-body', id: `station-body-${id}` }, card);
  }
  return h(
    'li',
    { class: `station-line level-${level}${open ? ' open' : ''}`, 'data-testid': `station-line-${id}` },
    h(
      'button',
      {
        type: 'button',
        class: 'line-head',
        'data-action': 'fleet-toggle',
        'data-station': id,
        'data-testid': `station-toggle-${id}`,
        'aria-expanded': String(open),
        'aria-controls': open ? `station-body-${id}` : undefined,
      },
      levelChip(level, `station-level-${id}`),
      h('strong', { class: 'line-id' }, id),
      h('span', { class: 'line-summary', 'data-testid': `station-summary-${id}` }, lineSummary(s, items, data.now)),
      hit?.rickshaws.length
        ? h('span', { class: 'line-hit' }, t('fleet.rickshawHere', { id: hit.rickshaws.join(', ') }))
        : null,
      h('span', { class: 'line-open', 'aria-hidden': 'true' }, open ? '▾' : '▸'),
    ),
    body,
  );
}

/** @param {Element} container */
function skeleton(container) {
  const counts = h('div', { class: 'fleet-counts-slot' });
  const input = h('input', {
    type: 'search',
    id: 'fleet-search',
    class: 'fleet-search-input',
    'data-testid': 'fleet-search',
    placeholder: t('fleet.searchHint'),
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const label = h('label', { for: 'fleet-search', class: 'fleet-search-label' }, t('fleet.search'));
  const searchNote = h('p', { class: 'muted fleet-search-note', 'data-testid': 'fleet-search-note', role: 'status' });
  const heading = h('h2', { class: 'attn-head' }, t('fleet.needs'));
  const note = h('p', { class: 'muted attn-note', 'data-testid': 'attention-note' });
  const list = h('ol', { class: 'attn-list', 'data-testid': 'attention-list' });
  const linesHead = h('h2', { class: 'lines-head' }, t('fleet.stationList'));
  const lines = h('ul', { class: 'station-lines', 'data-testid': 'station-lines' });
  container.append(
    counts,
    h('div', { class: 'fleet-search', role: 'search' }, label, input, searchNote),
    h('section', { class: 'attention card', 'data-testid': 'attention' }, heading, list, note),
    h('section', { class: 'stations-section' }, linesHead, lines),
  );
  /** what the last patch was drawn from */
  const inputs = /** @type {unknown[] | undefined} */ (undefined);
  return { counts, input, label, searchNote, heading, note, list, linesHead, lines, sig: '', inputs };
}

/** @type {WeakMap<Element, ReturnType<typeof skeleton>>} */
const skeletons = new WeakMap();

/**
 * Brings the fleet container up to date with `data`. The container is the live element the page's morph leaves
 * alone (`data-managed`); a fresh one (after another page) is filled from scratch.
 * @param {Element} container
 * @param {FleetData} data
 */
export function patchFleet(container, data) {
  let parts = skeletons.get(container);
  if (!parts) skeletons.set(container, (parts = skeleton(container)));
  const lang = getLang();
  const { stations, attention, now } = data;
  const only = stations.length === 1;
  // The page redraws every second for its relative times ("vor 3 s") and after every action. With every station
  // closed, the overview's only times are the ages of stale data: the same answers in the same second (or, without
  // a stale item, at any time) draw the same page, so there is nothing to do. An open station is always redrawn
  // (its card has times and the dock actions' own state), and so is a search (it opens the stations it finds).
  const anyOpen = stations.some((s) => data.isOpen(s.stationId, only));
  const ticking = !!attention?.some((i) => i.kind === 'stale');
  /** @type {unknown[]} */
  const inputs = [stations, attention, data.attentionFailed, data.rickshaws, data.query, lang];
  inputs.push(ticking ? Math.floor(now / 1000) : 0);
  const redraw = anyOpen || data.query.trim() !== '';
  if (!redraw && parts.inputs && inputs.every((x, i) => x === parts?.inputs?.[i])) return;
  parts.inputs = redraw ? undefined : inputs;
  const hits = searchStations(stations, data.rickshaws, data.query);
  const perStation = byStation(attention ?? []);

  const counts = buildCounts(fleetCounts(stations), attention);
  const countsSig = lang + counts.textContent;
  if (countsSig !== parts.sig) {
    if (parts.counts.firstElementChild) morph(parts.counts.firstElementChild, counts);
    else parts.counts.append(counts);
    parts.sig = countsSig;
  }
  if (parts.label.textContent !== t('fleet.search')) {
    parts.label.textContent = t('fleet.search');
    parts.heading.textContent = t('fleet.needs');
    parts.linesHead.textContent = t('fleet.stationList');
    parts.input.setAttribute('placeholder', t('fleet.searchHint'));
  }

  const shown = (attention ?? []).filter((i) => itemMatches(i, hits, data.query));
  patchKeyed(
    parts.list,
    shown.slice(0, ATTENTION_SHOWN).map((item) => {
      const text = attentionText(item, now);
      return {
        key: item.key,
        sig: `${lang}|${item.severity}|${text}|${item.batteryId}`,
        build: () => buildItem(item, now),
      };
    }),
  );
  const noteText =
    attention === null
      ? t(data.attentionFailed ? 'fleet.attentionFailed' : 'fleet.attentionLoading')
      : shown.length === 0
        ? t('fleet.allWell')
        : shown.length > ATTENTION_SHOWN
          ? t('fleet.more', { n: shown.length - ATTENTION_SHOWN })
          : '';
  if (parts.note.textContent !== noteText) parts.note.textContent = noteText;

  const visible = hits === null ? stations : stations.filter((s) => hits.has(s.stationId));
  const searchText =
    hits === null
      ? ''
      : visible.length === 0
        ? t('fleet.noMatch', { q: data.query.trim() })
        : t('fleet.matches', { n: visible.length, q: data.query.trim() });
  if (parts.searchNote.textContent !== searchText) parts.searchNote.textContent = searchText;
  patchKeyed(
    parts.lines,
    visible.map((s) => {
      const items = perStation.get(s.stationId);
      const hit = hits?.get(s.stationId);
      // A station found by one of its packs or rickshaws opens: the reader is looking for something inside.
      const open = data.isOpen(s.stationId, only) || !!hit?.packs.length || !!hit?.rickshaws.length;
      const sig = `${lang}|${open}|${s.online}|${stationLevel(s, items)}|${lineSummary(s, items, now)}|${hit?.rickshaws.join()}`;
      return { key: s.stationId, sig, always: open, build: () => buildLine(s, items, hit, open, data) };
    }),
  );
}

/** The element the page puts where the fleet goes; patchFleet fills it after the page's own patch. */
export function fleetSlot() {
  return h('div', { class: 'fleet', 'data-testid': 'fleet', 'data-managed': '' });
}
