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
 * @typedef {{ id: string, detail: Record<string, any> | null, history: any[] | null, notFound: boolean }} BatteryView
 */

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
    return h('div', { class: 'field' }, h('dt', null, t(`battery.${key}`)), h('dd', { 'data-testid': `battery-field-${key}` }, text));
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
  const series = (/** @type {string} */ key) => history.map((p) => ({ ts: Number(p.ts), v: isNum(p[key]) ? p[key] : null }));
  const specs = [
    { label: t('chart.voltage'), unit: 'V', digits: 1, points: series('voltageV'), testid: 'chart-voltage', tone: 'a' },
    { label: t('chart.current'), unit: 'A', digits: 1, points: series('currentA'), testid: 'chart-current', tone: 'b' },
    { label: t('chart.soc'), unit: '%', digits: 0, points: series('socPct'), testid: 'chart-soc', tone: 'c' },
  ];
  if (history.some((p) => isNum(p.tempC))) {
    specs.push({ label: t('chart.temp'), unit: '°C', digits: 1, points: series('tempC'), testid: 'chart-temp', tone: 'd' });
  }
  return h('div', { class: 'charts', 'data-testid': 'battery-chart' }, specs.map(lineChart));
}

/**
 * @param {BatteryView} view
 * @param {any[] | null} stations
 */
export function renderBattery(view, stations) {
  const back = h('a', { class: 'back button', href: '#/', 'data-testid': 'back-link' }, t('nav.back'));
  const title = h('h2', { class: 'page-title', 'data-testid': 'battery-title' }, t('battery.title', { id: view.id }));
  if (view.notFound) {
    return h('div', { class: 'battery-page', 'data-testid': 'battery-page' }, back, title, h('p', { class: 'card notice', 'data-testid': 'battery-not-found' }, t('battery.notFound')));
  }
  if (view.detail === null && view.history === null) {
    return h('div', { class: 'battery-page', 'data-testid': 'battery-page' }, back, title, h('p', { class: 'muted' }, t('app.loading')));
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
    h('section', { class: 'card' }, h('h3', null, t('battery.history')), charts(view.history ?? [])),
  );
}
