// Battery page (`#/battery/<id>`): health figures, alerts, cell voltages and the history charts.
import { lineChart } from './chart.js';
import { h } from './dom.js';
import { DASH, isNum, num, pct } from './format.js';
import { t } from './i18n.js';
import { stateChip } from './render-station.js';

/** The health fields the API may send, in the order a mechanic reads them, with unit and decimals. */
const FIELDS = /** @type {const} */ ([
  ['sohPct', '%', 0],
  ['socPct', '%', 0],
  ['cycles', '', 0],
  ['cellSpreadMv', 'mV', 0],
  ['maxTempC', '°C', 1],
  ['internalResistanceMilliOhm', 'mΩ', 1],
  ['voltageV', 'V', 1],
  ['currentA', 'A', 1],
]);
/** These are always listed, with "—" when the server has no value; the rest only when present. */
const ALWAYS = new Set(['sohPct', 'socPct', 'cycles', 'cellSpreadMv', 'maxTempC', 'internalResistanceMilliOhm']);

/**
 * `historyRange` is the range the shown `history` was fetched for; while it differs from the chosen range the new
 * one is on its way. `historyAt` is when it arrived (epoch ms), to know when to fetch it again.
 * @typedef {{ id: string, detail: Record<string, any> | null, history: any[] | null, notFound: boolean,
 *   historyRange?: string, resolution?: string | null, historyAt?: number }} BatteryView
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * The ranges the history chart offers, [key, length in ms, resolution asked for]; the first is the default. Each
 * asks for a resolution that gives a few hundred to 1440 points: "auto" would give 5-s samples for a day (17,280,
 * more than a phone draws well and over the limit).
 */
export const HISTORY_RANGES = /** @type {const} */ ([
  ['1h', HOUR, '5s'],
  ['24h', DAY, '1m'],
  ['7d', 7 * DAY, '15m'],
  ['30d', 30 * DAY, '1h'],
  ['1y', 365 * DAY, '1d'],
]);
export const DEFAULT_RANGE = HISTORY_RANGES[0][0];
/** The tables the server can answer from; anything else it says is shown as it came. */
const RESOLUTIONS = new Set(['5s', '1m', '15m', '1h', '1d']);

/**
 * Where the battery sits right now, from the overview's telemetry.
 * @param {any[] | null} stations
 * @param {string} id
 */
function findDock(stations, id) {
  for (const s of stations ?? []) {
    for (const d of s.docks ?? []) {
      if (d.battery && String(d.battery.id) === id) return { stationId: String(s.stationId), dock: d };
    }
  }
  return null;
}

/** @param {Record<string, any>} detail */
function fieldList(detail) {
  const rows = FIELDS.filter(([key]) => ALWAYS.has(key) || isNum(detail[key])).map(([key, unit, digits]) => {
    const value = detail[key];
    const text = isNum(value) ? (unit === '%' ? pct(value) : num(value, unit, digits)) : DASH;
    return h(
      'div',
      { class: 'field' },
      h('dt', null, t(`battery.${key}`)),
      h('dd', { 'data-testid': `battery-field-${key}` }, text),
    );
  });
  return h('dl', { class: 'fields' }, rows);
}

/** @param {unknown} alerts */
function alertList(alerts) {
  const list = Array.isArray(alerts) ? alerts : [];
  if (list.length === 0) return h('p', { class: 'muted', 'data-testid': 'battery-alerts' }, t('battery.noAlerts'));
  return h(
    'ul',
    { class: 'alerts', 'data-testid': 'battery-alerts' },
    list.map((a) => {
      if (typeof a !== 'object' || a === null) return h('li', { class: 'alert' }, '⚠ ', String(a));
      const severity = ['info', 'warning', 'fault'].includes(a.severity) ? a.severity : 'warning';
      const text = a.message ?? a.text ?? a.type ?? a.code ?? JSON.stringify(a);
      return h('li', { class: `alert sev-${severity}` }, severity === 'info' ? 'ℹ ' : '⚠ ', String(text));
    }),
  );
}

/** @param {unknown} cellsV */
function cellGrid(cellsV) {
  const cells = Array.isArray(cellsV) ? cellsV : [];
  const nums = cells.filter(isNum);
  if (nums.length === 0) return null;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return h(
    'ol',
    { class: 'cells', 'data-testid': 'battery-cells' },
    cells.map((v, i) => {
      const mark = nums.length > 1 && hi > lo ? (v === hi ? 'max' : v === lo ? 'min' : '') : '';
      return h(
        'li',
        { class: `cell${mark ? ` cell-${mark}` : ''}` },
        h('span', { class: 'cell-no' }, `${i + 1}`),
        h('span', { class: 'cell-v' }, num(v, 'V', 3)),
        mark && h('span', { class: 'cell-mark' }, mark),
      );
    }),
  );
}

/** @param {any[]} history */
function charts(history) {
  if (history.length === 0) return h('p', { class: 'muted', 'data-testid': 'battery-chart' }, t('battery.noHistory'));
  const series = (/** @type {string} */ key) =>
    history.map((p) => ({ ts: Number(p.ts), v: isNum(p[key]) ? p[key] : null }));
  const specs = [
    { label: t('chart.voltage'), unit: 'V', digits: 1, points: series('voltageV'), testid: 'chart-voltage', tone: 'a' },
    { label: t('chart.current'), unit: 'A', digits: 1, points: series('currentA'), testid: 'chart-current', tone: 'b' },
    { label: t('chart.soc'), unit: '%', digits: 0, points: series('socPct'), testid: 'chart-soc', tone: 'c' },
  ];
  // The broker calls it tempMaxC; older answers said tempC.
  const tempKey = history.some((p) => isNum(p.tempMaxC)) ? 'tempMaxC' : 'tempC';
  if (history.some((p) => isNum(p[tempKey]))) {
    specs.push({
      label: t('chart.temp'),
      unit: '°C',
      digits: 1,
      points: series(tempKey),
      testid: 'chart-temp',
      tone: 'd',
    });
  }
  return h('div', { class: 'charts', 'data-testid': 'battery-chart' }, specs.map(lineChart));
}

/**
 * Buttons rather than a <select>: one tap on a phone, and the chosen range stays in sight.
 * @param {BatteryView} view
 * @param {string} range
 */
function rangePicker(view, range) {
  const loading = view.history !== null && view.historyRange !== range;
  const res = view.resolution;
  const note = loading ? t('history.loading') : res ? (RESOLUTIONS.has(res) ? t(`history.res.${res}`) : res) : '';
  return h(
    'div',
    { class: 'history-bar' },
    h(
      'div',
      { class: 'range-picker', role: 'group', 'aria-label': t('history.rangeLabel'), 'data-testid': 'history-range' },
      HISTORY_RANGES.map(([key]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'button range',
            'data-action': 'history-range',
            'data-range': key,
            'data-testid': `history-range-${key}`,
            'aria-pressed': key === range ? 'true' : 'false',
          },
          t(`history.range.${key}`),
        ),
      ),
    ),
    h('span', { class: 'muted history-res', 'data-testid': 'history-resolution', 'aria-live': 'polite' }, note),
  );
}

/**
 * @param {BatteryView} view
 * @param {any[] | null} stations
 * @param {string} [range] the history range the reader chose
 */
export function renderBattery(view, stations, range = DEFAULT_RANGE) {
  const back = h('a', { class: 'back button', href: '#/', 'data-testid': 'back-link' }, t('nav.back'));
  const title = h('h2', { class: 'page-title', 'data-testid': 'battery-title' }, t('battery.title', { id: view.id }));
  if (view.notFound) {
    return h(
      'div',
      { class: 'battery-page', 'data-testid': 'battery-page' },
      back,
      title,
      h('p', { class: 'card notice', 'data-testid': 'battery-not-found' }, t('battery.notFound')),
    );
  }
  if (view.detail === null && view.history === null) {
    return h(
      'div',
      { class: 'battery-page', 'data-testid': 'battery-page' },
      back,
      title,
      h('p', { class: 'muted' }, t('app.loading')),
    );
  }
  // Some servers nest the health figures under `health`; accept both.
  const detail = { ...(view.detail ?? {}), ...(view.detail?.health ?? {}) };
  const where = findDock(stations, view.id);
  const cells = Array.isArray(detail.cellsV) ? detail.cellsV : where?.dock.battery?.cellsV;
  const cellView = cellGrid(cells);
  return h(
    'div',
    { class: 'battery-page', 'data-testid': 'battery-page' },
    back,
    title,
    where &&
      h(
        'p',
        { class: 'where', 'data-testid': 'battery-where' },
        t('battery.where', { station: where.stationId, dock: where.dock.dock }),
        ' ',
        stateChip(String(where.dock.state), 'battery-state'),
      ),
    h('section', { class: 'card' }, h('h3', null, t('battery.health')), fieldList(detail)),
    h('section', { class: 'card' }, h('h3', null, t('battery.alerts')), alertList(detail.alerts)),
    cellView && h('section', { class: 'card' }, h('h3', null, t('battery.cells')), cellView),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('battery.history')),
      rangePicker(view, range),
      charts(view.history ?? []),
    ),
  );
}
