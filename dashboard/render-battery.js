// Battery page (`#/battery/<id>`): health figures, alerts, cell voltages and the history charts.
import { batteryAlertText } from './alert-words.js';
import { lineChart } from './chart.js';
import { h } from './dom.js';
import { DASH, isNum, num, pct } from './format.js';
import { t } from './i18n.js';
import { stateChip } from './render-station.js';

/**
 * @typedef {import('./api.js').BatteryView} BatteryView
 * @typedef {import('./api.js').BatteryPoint} BatteryPoint
 * @typedef {import('./api.js').StationView} StationView
 */

/**
 * The figures of GET /api/batteries/<id> in the order a mechanic reads them: [key for label and test id, where
 * in the answer (the last reading under `latest`, the estimates under `health`), unit, decimals]. Each is listed
 * always, with "—" while the server has no value (SoH and resistance until they are estimated).
 * @type {[string, (b: BatteryView) => number | null, string, number][]}
 */
const FIELDS = [
  ['socPct', (b) => b.latest.socPct, '%', 0],
  ['voltageV', (b) => b.latest.voltageV, 'V', 1],
  ['currentA', (b) => b.latest.currentA, 'A', 1],
  ['sohPct', (b) => b.health.stateOfHealthPct, '%', 0],
  ['cycles', (b) => b.health.cycles, '', 0],
  ['cellSpreadMv', (b) => b.health.cellSpreadMv, 'mV', 0],
  ['maxTempC', (b) => b.health.maxTempC, '°C', 1],
  ['internalResistanceMilliOhm', (b) => b.health.internalResistanceMOhm, 'mΩ', 1],
];

/**
 * The battery page's state. `historyRange` is the range the shown `history` was fetched for; while it differs
 * from the chosen range the new one is on its way. `historyAt` is when it arrived (epoch ms), to know when to
 * fetch it again.
 * @typedef {{ id: string, detail: BatteryView | null, history: BatteryPoint[] | null, notFound: boolean,
 *   historyRange?: string, resolution?: string | null, historyAt?: number }} BatteryPage
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

/**
 * Where the battery sits right now, from the overview's telemetry.
 * @param {StationView[] | null} stations
 * @param {string} id
 */
function findDock(stations, id) {
  for (const s of stations ?? []) {
    for (const d of s.docks) {
      if (d.battery?.id === id) return { stationId: s.stationId, dock: d };
    }
  }
  return null;
}

/** @param {BatteryView} detail */
function fieldList(detail) {
  const rows = FIELDS.map(([key, read, unit, digits]) => {
    const value = read(detail);
    // An estimate the server has not made yet says so in words; a missing reading stays a dash.
    const estimate = key === 'sohPct' || key === 'internalResistanceMilliOhm';
    const text = isNum(value)
      ? unit === '%'
        ? pct(value)
        : num(value, unit, digits)
      : estimate
        ? t('bl.noData')
        : DASH;
    return h(
      'div',
      { class: 'field' },
      h('dt', null, t(`battery.${key}`)),
      h('dd', { 'data-testid': `battery-field-${key}` }, text),
    );
  });
  return h('dl', { class: 'fields' }, rows);
}

/** @param {BatteryView['health']['alerts']} alerts */
function alertList(alerts) {
  if (alerts.length === 0) return h('p', { class: 'muted', 'data-testid': 'battery-alerts' }, t('battery.noAlerts'));
  return h(
    'ul',
    { class: 'alerts', 'data-testid': 'battery-alerts' },
    alerts.map((a) => h('li', { class: `alert sev-${a.severity}`, 'data-code': a.code }, '⚠ ', batteryAlertText(a))),
  );
}

/** @param {number[]} cells */
function cellGrid(cells) {
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

/** Spacing of each resolution's points, ms: three missing in a row are drawn as a gap. */
const STEP_MS = { '5s': 5_000, '1m': 60_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };

/**
 * @param {BatteryPoint[]} history
 * @param {string} range
 * @param {string | null | undefined} resolution what the server answered with
 */
function charts(history, range, resolution) {
  if (history.length === 0) return h('p', { class: 'muted', 'data-testid': 'battery-chart' }, t('battery.noHistory'));
  const span = (HISTORY_RANGES.find(([key]) => key === range) ?? HISTORY_RANGES[0])[1];
  const to = Math.max(Date.now(), history[history.length - 1]?.ts ?? 0);
  const step = STEP_MS[/** @type {keyof typeof STEP_MS} */ (resolution ?? '5s')] ?? STEP_MS['5s'];
  const axis = { from: to - span, to, gapMs: 3 * step };
  const series = (/** @type {'voltageV' | 'currentA' | 'socPct' | 'tempMaxC'} */ key) =>
    history.map((p) => ({ ts: p.ts, v: p[key] }));
  const specs = [
    {
      label: t('chart.voltage'),
      unit: 'V',
      digits: 1,
      points: series('voltageV'),
      testid: 'chart-voltage',
      tone: 'a',
      ...axis,
    },
    {
      label: t('chart.current'),
      unit: 'A',
      digits: 1,
      points: series('currentA'),
      testid: 'chart-current',
      tone: 'b',
      ...axis,
    },
    { label: t('chart.soc'), unit: '%', digits: 0, points: series('socPct'), testid: 'chart-soc', tone: 'c', ...axis },
  ];
  if (history.some((p) => isNum(p.tempMaxC))) {
    specs.push({
      label: t('chart.temp'),
      unit: '°C',
      digits: 1,
      points: series('tempMaxC'),
      testid: 'chart-temp',
      tone: 'd',
      ...axis,
    });
  }
  return h('div', { class: 'charts', 'data-testid': 'battery-chart' }, specs.map(lineChart));
}

/**
 * Buttons rather than a <select>: one tap on a phone, and the chosen range stays in sight.
 * @param {BatteryPage} view
 * @param {string} range
 */
function rangePicker(view, range) {
  const loading = view.history !== null && view.historyRange !== range;
  const res = view.resolution;
  const note = loading ? t('history.loading') : res ? t(`history.res.${res}`) : '';
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
 * @param {BatteryPage} view
 * @param {StationView[] | null} stations
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
  const detail = view.detail;
  if (detail === null) {
    return h(
      'div',
      { class: 'battery-page', 'data-testid': 'battery-page' },
      back,
      title,
      h('p', { class: 'muted' }, t('app.loading')),
    );
  }
  const where = findDock(stations, view.id);
  const cellView = cellGrid(detail.latest.cellsV);
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
        stateChip(where.dock.state, 'battery-state'),
      ),
    h('section', { class: 'card' }, h('h3', null, t('battery.health')), fieldList(detail)),
    h('section', { class: 'card' }, h('h3', null, t('battery.alerts')), alertList(detail.health.alerts)),
    cellView && h('section', { class: 'card' }, h('h3', null, t('battery.cells')), cellView),
    h(
      'section',
      { class: 'card' },
      h('h3', null, t('battery.history')),
      rangePicker(view, range),
      charts(view.history ?? [], view.historyRange ?? range, view.resolution),
    ),
  );
}
