// The rickshaw list (`#/rickshaws`) and a rickshaw's page (`#/rickshaw/<id>`): odometer, km and days since each
// service, when it is next due, faults and where it was last seen. One column of cards: readable at 360 px.
import { h } from './dom.js';
import { DASH, ago, isNum, num } from './format.js';
import { getLang, locale, t } from './i18n.js';

/** @typedef {import('../contract/rickshaw-api.ts').RickshawSummary} RickshawSummary */
/** @typedef {import('../contract/rickshaw-api.ts').RickshawDetail} RickshawDetail */
/** @typedef {import('../contract/rickshaw-api.ts').ServiceInterval} ServiceInterval */
/**
 * @typedef {{ id: string, detail: RickshawDetail | null, notFound: boolean, pending: string | null,
 *   outcome: { text: string, ok: boolean } | null }} RickshawView
 */

/** @param {number} epochMs */
function date(epochMs) {
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(
    new Date(epochMs),
  );
}

/** @param {unknown} km */
const kmText = (km) => num(km, 'km', 1);

/** @param {RickshawSummary} r */
export function rickshawName(r) {
  return r.name ?? t('rk.unnamed', { id: r.id.slice(-6) });
}

/** @param {'ok' | 'due' | 'overdue'} state */
function stateChip(state) {
  return h('span', { class: `rk-chip rk-${state}`, 'data-testid': 'rk-state' }, t(`rk.state.${state}`));
}

/** @param {RickshawSummary} r @param {number} now */
function whereText(r, now) {
  const s = r.lastSeen;
  if (!s) return t('rk.neverSeen');
  if (r.present) return t('rk.inBay', { bay: s.bay, station: s.stationId });
  return t('rk.lastSeen', { ago: ago(s.ts, now), bay: s.bay, station: s.stationId });
}

/** @param {RickshawSummary[] | null} list @param {number} now */
export function renderRickshawList(list, now) {
  if (list === null) return h('p', { class: 'muted' }, t('app.loading'));
  return h(
    'section',
    { class: 'rk-list-page', 'data-testid': 'rickshaw-list' },
    h('h1', { class: 'rk-title' }, t('rk.title')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rk.none'))
      : h(
          'ul',
          { class: 'rk-list' },
          list.map((r) =>
            h(
              'li',
              { class: 'card rk-item', 'data-testid': `rickshaw-${r.id}` },
              h(
                'a',
                { class: 'rk-link', href: `#/rickshaw/${encodeURIComponent(r.id)}` },
                h('strong', { class: 'rk-name' }, rickshawName(r)),
                r.isNew && h('span', { class: 'rk-chip rk-new' }, t('rk.new')),
                stateChip(r.serviceState),
              ),
              h('p', { class: 'rk-line' }, `${t('rk.odometer')}: `, h('strong', null, kmText(r.odometerKm))),
              h('p', { class: 'rk-line muted' }, whereText(r, now)),
              r.fault && h('p', { class: 'rk-line rk-fault' }, t('rk.fault', { name: r.fault.name })),
            ),
          ),
        ),
  );
}

/**
 * @param {ServiceInterval} s
 * @param {boolean} mechanic
 * @param {RickshawView} view
 * @param {number} firstSeen
 */
function serviceRow(s, mechanic, view, firstSeen) {
  const when = s.lastDoneAt
    ? t('rk.lastDone', { date: date(s.lastDoneAt), by: s.lastDoneBy ?? DASH })
    : t('rk.firstSeen', { date: date(firstSeen) });
  const days = t('rk.days', { n: Math.floor(s.daysSince) });
  const since = isNum(s.kmSince)
    ? t('rk.since', { km: kmText(s.kmSince), days, when })
    : t('rk.sinceDays', { days, when });
  const every = [s.everyKm ? kmText(s.everyKm) : null, s.everyDays ? t('rk.days', { n: s.everyDays }) : null]
    .filter(Boolean)
    .join(' / ');
  const due = [
    isNum(s.dueAtKm) ? t('rk.dueAtKm', { km: kmText(s.dueAtKm) }) : null,
    isNum(s.dueAt) ? t('rk.dueAt', { date: date(s.dueAt) }) : null,
  ]
    .filter(Boolean)
    .join(', ');
  const key = `service:${s.task}`;
  return h(
    'li',
    { class: `rk-service rk-service-${s.state}`, 'data-testid': `service-${s.task}` },
    h('div', { class: 'rk-service-head' }, h('strong', null, s.label[getLang()]), stateChip(s.state)),
    h('p', { class: 'rk-line' }, since),
    h('p', { class: 'rk-line muted' }, `${t('rk.every', { what: every })} · ${due}`),
    mechanic &&
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          'data-action': 'rickshaw-service',
          'data-task': s.task,
          'data-testid': `service-done-${s.task}`,
          disabled: view.pending === key,
        },
        t('rk.done'),
      ),
  );
}

/** @param {RickshawDetail} d @param {number} now */
function readingCard(d, now) {
  const r = d.lastReading;
  if (!r) return null;
  const facts = /** @type {const} */ ([
    ['rk.inputV', num(r.inputV, 'V', 1)],
    ['rk.tempMotor', num(r.tempMotorC, '°C', 0)],
    ['rk.tempFet', num(r.tempFetC, '°C', 0)],
    ['rk.energy', `${num(r.ampHours, 'Ah', 2)} · ${num(r.wattHours, 'Wh', 0)}`],
  ]);
  return h(
    'section',
    { class: 'card' },
    h('h2', null, t('rk.reading', { ago: ago(r.ts, now) })),
    h(
      'dl',
      { class: 'rk-facts' },
      facts.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v))),
      d.firmware &&
        h(
          'div',
          null,
          h('dt', null, t('rk.firmware')),
          h('dd', null, `${d.firmware.major}.${d.firmware.minor} (${d.firmware.hwName})`),
        ),
    ),
  );
}

/**
 * @param {RickshawView} view
 * @param {boolean} mechanic
 * @param {number} now
 */
export function renderRickshawPage(view, mechanic, now) {
  const back = h('a', { class: 'back', href: '#/rickshaws', 'data-testid': 'rickshaws-link' }, t('rk.back'));
  if (view.notFound) return [back, h('p', { class: 'card' }, t('rk.notFound'))];
  const d = view.detail;
  if (!d) return [back, h('p', { class: 'muted' }, t('app.loading'))];
  return [
    back,
    h(
      'section',
      { class: 'card rk-head', 'data-testid': 'rickshaw-page' },
      h('h1', { class: 'rk-title' }, rickshawName(d), ' ', stateChip(d.serviceState)),
      h('p', { class: 'rk-id muted' }, d.id),
      h(
        'p',
        { class: 'rk-odometer' },
        `${t('rk.odometer')}: `,
        h('strong', { 'data-testid': 'rk-odometer' }, kmText(d.odometerKm)),
      ),
      h('p', { class: 'rk-line', 'data-testid': 'rk-where' }, whereText(d, now)),
      d.fault &&
        h('p', { class: 'rk-line rk-fault', 'data-testid': 'rk-fault' }, t('rk.fault', { name: d.fault.name })),
      view.outcome &&
        h('p', { class: view.outcome.ok ? 'rk-outcome ok' : 'rk-outcome bad', role: 'status' }, view.outcome.text),
      mechanic && d.isNew && nameForm(view),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('rk.services')),
      !mechanic && h('p', { class: 'muted' }, t('rk.loginToRecord')),
      h(
        'ul',
        { class: 'rk-services' },
        d.services.map((s) => serviceRow(s, mechanic, view, d.firstSeen)),
      ),
    ),
    readingCard(d, now),
    h(
      'section',
      { class: 'card', 'data-testid': 'rk-faults' },
      h('h2', null, t('rk.faults')),
      d.faults.length === 0
        ? h('p', { class: 'muted' }, t('rk.noFaults'))
        : h(
            'ul',
            { class: 'rk-events' },
            d.faults.map((f) =>
              h(
                'li',
                null,
                t('rk.faultAt', { date: date(f.ts), name: f.name, code: f.code, station: f.stationId, bay: f.bay }),
              ),
            ),
          ),
    ),
    d.anomalies.length > 0 &&
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('rk.anomalies')),
        h(
          'ul',
          { class: 'rk-events' },
          d.anomalies.map((a) => h('li', null, `${date(a.ts)} · ${t(`rk.anomaly.${a.kind}`)} · ${a.detail}`)),
        ),
      ),
  ];
}

/** @param {RickshawView} view */
function nameForm(view) {
  return h(
    'form',
    { class: 'rk-name-form', 'data-testid': 'rickshaw-name-form' },
    h('label', { for: 'rk-name' }, t('rk.name')),
    h('input', { id: 'rk-name', name: 'name', maxlength: '40', placeholder: t('rk.namePlaceholder'), required: true }),
    h('button', { type: 'submit', class: 'button', disabled: view.pending === 'name' }, t('rk.nameSave')),
  );
}
