// Overview: one card per station and one tile per dock. A dock's state is shown with colour AND a symbol AND a word,
// because colour alone fails in sunlight, on cheap screens and for colour-blind readers.
import { h } from './dom.js';
import { ago, maxOf, num, pct, spreadMv, isNum } from './format.js';
import { codeText } from './fault-codes.js';
import { has, t } from './i18n.js';

/**
 * @typedef {import('./api.js').StationView} StationView
 * @typedef {import('./api.js').DockTelemetry} DockTelemetry
 * @typedef {import('./api.js').ChargerTelemetry} ChargerTelemetry
 */

/** Temperature (°C) above which a pack is flagged as hot: the usual upper limit for charging Li-ion cells. */
const HOT_C = 45;
/** SoC (%) below which the bar turns red; also said in text as the number beside it. */
const LOW_SOC = 20;

/** @type {Record<string, string>} */
export const STATE_ICONS = {
  empty: '○',
  idle: '●',
  charging: '⚡',
  balancing: '≈',
  full: '✓',
  fault: '⚠',
  maintenance: '⚙',
};

/**
 * The coloured chip with symbol and word for a dock state.
 * @param {string} state
 * @param {string} testid
 */
export function stateChip(state, testid) {
  const known = state in STATE_ICONS;
  return h(
    'span',
    { class: `chip state-${known ? state : 'unknown'}`, 'data-testid': testid, 'data-state': state },
    h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, STATE_ICONS[state] ?? '?'),
    known ? t(`state.${state}`) : `${t('state.unknown')} (${state})`,
  );
}

/**
 * Why a dock is in fault or held: by its fault code when the station sends one (title and next action in the
 * reader's language, the station's reason kept in brackets for searching); else the reason itself, translated
 * where the dictionary knows it.
 * @param {string} reason
 * @param {string} [code]
 */
export function reasonText(reason, code) {
  const coded = codeText(code);
  if (coded) return `${coded.code} ${coded.title}: ${coded.action} (${reason})`;
  return has(`fault.${reason}`) ? `${t(`fault.${reason}`)} (${reason})` : reason;
}

/**
 * @param {unknown} socPct
 * @param {string} testid
 */
export function socBar(socPct, testid) {
  const value = isNum(socPct) ? Math.min(100, Math.max(0, socPct)) : null;
  return h(
    'div',
    { class: 'soc', 'data-testid': testid },
    h(
      'div',
      {
        class: `soc-bar${value !== null && value < LOW_SOC ? ' low' : ''}`,
        role: 'meter',
        'aria-label': t('dock.soc'),
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': value ?? undefined,
      },
      h('div', { class: 'soc-fill', style: `width:${value ?? 0}%` }),
    ),
    h('span', { class: 'soc-text' }, pct(socPct)),
  );
}

/**
 * @param {string} label
 * @param {string} value
 * @param {string} testid
 * @param {string} [cls]
 */
function metric(label, value, testid, cls) {
  return h(
    'div',
    { class: `metric${cls ? ` ${cls}` : ''}` },
    h('dt', null, label),
    h('dd', { 'data-testid': testid }, value),
  );
}

/** @typedef {(stationId: string, dock: DockTelemetry) => Node | null} DockExtra what goes under a dock tile (a mechanic's buttons) */

/**
 * @param {string} stationId
 * @param {DockTelemetry} dock
 * @param {DockExtra} [extra]
 */
export function renderDock(stationId, dock, extra) {
  const key = `${stationId}-${dock.dock}`;
  const battery = dock.battery;
  const charger = dock.charger;
  const tempMax = battery ? maxOf(battery.tempsC) : null;
  const hot = tempMax !== null && tempMax > HOT_C;
  const protection = battery ? battery.protection.filter(Boolean) : [];

  const body = [
    h(
      'div',
      { class: 'dock-head' },
      h('span', { class: 'dock-no' }, t('dock.title', { n: dock.dock })),
      stateChip(dock.state, `dock-state-${key}`),
    ),
    battery
      ? h(
          'div',
          { class: 'dock-battery', 'data-testid': `dock-battery-${key}` },
          t('dock.battery', { id: battery.id }),
          h('span', { class: 'chevron', 'aria-hidden': 'true' }, '›'),
        )
      : h('div', { class: 'dock-battery muted', 'data-testid': `dock-battery-${key}` }, t('dock.noBattery')),
    battery && socBar(battery.socPct, `dock-soc-${key}`),
    battery &&
      h(
        'dl',
        { class: 'metrics' },
        metric(t('dock.voltage'), num(battery.voltageV, 'V', 1), `dock-voltage-${key}`),
        metric(t('dock.current'), num(battery.currentA, 'A', 1), `dock-current-${key}`),
        metric(
          t('dock.tempMax'),
          `${hot ? '⚠ ' : ''}${num(tempMax, '°C', 0)}${hot ? ` ${t('dock.hot')}` : ''}`,
          `dock-temp-${key}`,
          hot ? 'hot' : '',
        ),
        metric(t('dock.cellSpread'), num(spreadMv(battery.cellsV), 'mV', 0), `dock-spread-${key}`),
      ),
    h('p', { class: 'charger', 'data-testid': `dock-charger-${key}` }, chargerText(charger, dock.chargerCycles)),
    protection.length > 0 &&
      h(
        'p',
        { class: 'protection', 'data-testid': `dock-protection-${key}` },
        `${t('dock.protection')}: ${protection.join(', ')}`,
      ),
    dock.reason &&
      h(
        'p',
        { class: 'reason', 'data-testid': `dock-reason-${key}`, title: codeText(dock.code)?.explain },
        h('span', { 'aria-hidden': 'true' }, '⚠ '),
        `${t('dock.reason')}: ${reasonText(dock.reason, dock.code)}`,
      ),
    // The table's longer explanation, shown (not only as a tooltip, which a phone never shows).
    dock.reason &&
      codeText(dock.code) &&
      h('p', { class: 'explain', 'data-testid': `dock-explain-${key}` }, codeText(dock.code)?.explain ?? ''),
    dock.alarm &&
      h(
        'p',
        { class: 'alarm', role: 'alert', 'data-testid': `dock-alarm-${key}` },
        h('span', { 'aria-hidden': 'true' }, '‼ '),
        has(`alarm.${dock.alarm}`) ? t(`alarm.${dock.alarm}`) : String(dock.alarm),
      ),
    dock.awaitingAck &&
      h(
        'p',
        { class: 'awaiting-ack', 'data-testid': `dock-awaiting-ack-${key}` },
        h('span', { 'aria-hidden': 'true' }, '☞ '),
        t('dock.awaitingAck'),
      ),
    dock.doNotDispatch &&
      h(
        'p',
        { class: 'dnd', 'data-testid': `dock-dnd-${key}` },
        h('span', { 'aria-hidden': 'true' }, '✖ '),
        t('dock.doNotDispatch'),
      ),
  ];

  const stateClass = dock.state in STATE_ICONS ? dock.state : 'unknown';
  const inner = battery
    ? h(
        'a',
        {
          class: 'dock-body',
          href: `#/battery/${encodeURIComponent(battery.id)}`,
          'data-testid': `dock-link-${key}`,
        },
        body,
      )
    : h('div', { class: 'dock-body', 'data-testid': `dock-link-${key}` }, body);
  return h(
    'li',
    { class: `dock state-${stateClass}${dock.doNotDispatch ? ' flagged' : ''}`, 'data-testid': `dock-${key}` },
    inner,
    extra?.(stationId, dock),
  );
}

/**
 * @param {ChargerTelemetry} charger
 * @param {number | undefined} cycles the dock's charger switch-ons since the station started
 */
function chargerText(charger, cycles) {
  if (!charger.online) return `${t('dock.charger')}: ${t('dock.chargerOffline')}`;
  const onOff = charger.outputOn ? t('dock.chargerOn') : t('dock.chargerOff');
  const parts = [`${t('dock.charger')}: ${onOff}`];
  if (charger.outputOn) parts.push(`${num(charger.voltageV, 'V', 1)}, ${num(charger.currentA, 'A', 1)}`);
  parts.push(t('dock.setpoint', { value: num(charger.setCurrentA, 'A', 1) }));
  if (isNum(cycles) && cycles > 0) parts.push(t('dock.chargerCycles', { n: cycles }));
  return parts.join(' · ');
}

/**
 * @param {StationView} station
 * @param {number} now
 * @param {DockExtra} [dockExtra]
 */
export function renderStation(station, now, dockExtra) {
  const id = station.stationId;
  const online = station.online;
  const missing = station.missingSeqs;
  return h(
    'section',
    { class: `card station${online ? '' : ' offline'}`, 'data-testid': `station-${id}`, 'aria-label': id },
    h(
      'header',
      { class: 'station-head' },
      h('h2', null, id),
      h(
        'span',
        { class: `badge ${online ? 'online' : 'offline'}`, 'data-testid': `station-status-${id}` },
        h('span', { class: 'badge-dot', 'aria-hidden': 'true' }, online ? '●' : '○'),
        online ? t('station.online') : t('station.offline'),
      ),
      h(
        'p',
        { class: 'muted last-seen', 'data-testid': `station-lastseen-${id}` },
        station.lastSeen !== null && station.lastSeen > 0
          ? t('station.lastSeen', { ago: ago(station.lastSeen, now) })
          : t('station.never'),
      ),
      missing > 0 &&
        h('p', { class: 'missing', 'data-testid': `station-missing-${id}` }, t('station.missing', { n: missing })),
    ),
    !online && h('p', { class: 'stale-note' }, t('station.stale')),
    h(
      'ul',
      { class: 'docks' },
      station.docks.map((d) => renderDock(id, d, dockExtra)),
    ),
  );
}

/**
 * @param {StationView[] | null} stations null until the first answer
 * @param {number} now
 * @param {DockExtra} [dockExtra]
 */
export function renderOverview(stations, now, dockExtra) {
  if (stations === null) return h('p', { class: 'muted loading', 'data-testid': 'loading' }, t('app.loading'));
  if (stations.length === 0) return h('p', { class: 'muted', 'data-testid': 'no-stations' }, t('stations.none'));
  return h(
    'div',
    { class: 'stations', 'data-testid': 'stations' },
    stations.map((s) => renderStation(s, now, dockExtra)),
  );
}
