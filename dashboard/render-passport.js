// The battery passport on the battery page: identity, the health estimates with their uncertainty (or "not enough
// data" and why), the health trend with work records marked, one timeline of where the pack was, its charge
// sessions, alerts and work, and the work-record form for a logged-in mechanic.
import { clearedAlertText, healthAlertText } from './alert-words.js';
import { lineChart } from './chart.js';
import { h } from './dom.js';
import { isNum, num, pct } from './format.js';
import { has, locale, t } from './i18n.js';

/**
 * @typedef {import('./api.js').Passport} Passport
 * @typedef {import('../contract/battery-health.ts').Estimate} Estimate
 * @typedef {import('./passport.js').PassportView} PassportView
 */

/** The kinds a mechanic may record, in the order the form offers them (contract/battery-health.ts WORK_KINDS). */
const WORK_KINDS = /** @type {const} */ ([
  'inspected',
  'cell-rebalanced',
  'connector-replaced',
  'bms-reset',
  'cell-replaced',
  'retired',
  'other',
]);
/** The timeline shows this many entries, newest first; older ones are counted. */
const TIMELINE_MAX = 120;

/** @param {number} epochMs */
function when(epochMs) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(epochMs));
}

/** Decimals per unit of an estimate. @type {Record<string, number>} */
const DIGITS = { '%': 1, mΩ: 1, cycles: 1, mV: 0, 'mV/week': 1, h: 1 };

/**
 * Why an estimate has not enough data, in the page's language (its figures in the page's number format).
 * @param {Estimate} e
 * @param {string} method
 */
function whyNot(e, method) {
  if (!e.reasonCode) return e.reason ?? method;
  /** @type {Record<string, string>} */
  const params = {};
  for (const [k, v] of Object.entries(e.reasonParams ?? {})) params[k] = num(v, '', Number.isInteger(v) ? 0 : 1);
  return t(`bp.why.${e.reasonCode}`, params);
}

/**
 * @param {string} key which estimate (label and test id)
 * @param {Estimate & { bmsCycles?: number | null }} e
 */
function estimateRow(key, e) {
  const unit = e.unit === 'cycles' ? '' : e.unit;
  const digits = DIGITS[e.unit] ?? 1;
  const known = e.status === 'ok' && isNum(e.value);
  const value = known
    ? `${num(e.value, unit, digits)}${isNum(e.uncertainty) ? ` ± ${num(e.uncertainty, unit, digits)}` : ''}`
    : t('bl.noData');
  const method = has(`bp.method.${key}`) ? t(`bp.method.${key}`) : e.method;
  const how = known ? t('bp.est.from', { n: e.sessions, method }) : t('bp.est.why', { reason: whyNot(e, method) });
  return h(
    'div',
    { class: `bp-est${known ? '' : ' bp-none'}`, 'data-testid': `estimate-${key}`, 'data-status': e.status },
    h('dt', null, t(`bp.est.${key}`)),
    h(
      'dd',
      null,
      h('span', { class: 'bp-val' }, value),
      isNum(e.bmsCycles) && h('span', { class: 'bp-how' }, t('bp.est.bmsCycles', { n: e.bmsCycles })),
      h('span', { class: 'bp-how' }, how),
    ),
  );
}

/** @param {Passport} p */
function estimates(p) {
  const e = p.estimates;
  return h(
    'dl',
    { class: 'bp-estimates', 'data-testid': 'passport-estimates' },
    estimateRow('stateOfHealth', e.stateOfHealth),
    estimateRow('internalResistance', e.internalResistance),
    estimateRow('equivalentCycles', e.equivalentCycles),
    estimateRow('cellImbalanceRest', e.cellImbalanceRest),
    estimateRow('cellImbalanceEndOfCharge', e.cellImbalanceEndOfCharge),
    estimateRow('imbalanceTrend', e.imbalanceTrend),
    estimateRow('timeHot', e.timeHot),
    estimateRow('timeCold', e.timeCold),
  );
}

/** @param {Passport} p */
function identity(p) {
  /** @param {string} key @param {string} value */
  const item = (key, value) =>
    h('div', null, h('dt', null, t(`bp.id.${key}`)), h('dd', { 'data-testid': `passport-${key}` }, value));
  return h(
    'dl',
    { class: 'bp-identity' },
    item('serial', p.batteryId),
    item('nominal', num(p.nominalAh, 'Ah', 1)),
    item('firstSeen', p.firstSeen === null ? '—' : when(p.firstSeen)),
    item('lastSeen', p.lastSeen === null ? '—' : when(p.lastSeen)),
    item('sessions', String(p.sessions.length)),
    p.retired && h('div', { class: 'bp-retired', 'data-testid': 'passport-retired' }, `✖ ${t('bp.id.retired')}`),
  );
}

/** @param {Passport} p @param {number} now */
function trend(p, now) {
  const soh = p.trend.map((x) => ({ ts: x.ts, v: x.sohPct }));
  const ri = p.trend.map((x) => ({ ts: x.ts, v: x.resistanceMOhm }));
  if (!soh.some((x) => isNum(x.v)) && !ri.some((x) => isNum(x.v)))
    return h('p', { class: 'muted', 'data-testid': 'passport-trend' }, t('bp.trend.none'));
  const marks = p.workRecords.map((w) => ({ ts: w.at, label: `${t(`work.kind.${w.kind}`)} (${w.by})` }));
  const from = Math.min(p.trend[0]?.ts ?? now, ...marks.map((m) => m.ts));
  const axis = { from, to: now, marks };
  return h(
    'div',
    { class: 'charts', 'data-testid': 'passport-trend' },
    lineChart({
      label: t('bp.est.stateOfHealth'),
      unit: '%',
      digits: 1,
      points: soh,
      testid: 'trend-soh',
      tone: 'c',
      ...axis,
    }),
    lineChart({
      label: t('bp.est.internalResistance'),
      unit: 'mΩ',
      digits: 1,
      points: ri,
      testid: 'trend-resistance',
      tone: 'a',
      ...axis,
    }),
    marks.length > 0 && h('p', { class: 'muted' }, t('bp.trend.marks')),
  );
}

/**
 * Every event of the pack's life as [time, kind, icon, text], newest first.
 * @param {Passport} p
 * @returns {{ ts: number, kind: string, icon: string, text: string, note?: string | null }[]}
 */
function events(p) {
  const out = [];
  for (const s of p.stays)
    out.push({
      ts: s.from,
      kind: 'stay',
      icon: '⌂',
      text: t('bp.ev.stay', { station: s.stationId, dock: s.dock, to: when(s.to) }),
    });
  for (const s of p.sessions) {
    const text = t('bp.ev.session', {
      from: pct(s.startSocPct),
      to: pct(s.endSocPct),
      ah: num(s.chargedAh, 'Ah', 1),
      wh: num(s.chargedWh, 'Wh', 0),
      temp: num(s.temperature.maxC, '°C', 1),
      why: t(`bp.end.${s.endReason}`),
      station: s.stationId,
      dock: s.dock,
    });
    out.push({ ts: s.startedAt, kind: s.endReason === 'fault' ? 'fault' : 'session', icon: '⚡', text });
  }
  for (const a of p.alerts) {
    out.push({
      ts: a.raisedAt,
      kind: a.severity === 'fault' ? 'fault' : 'alert',
      icon: '⚠',
      text: t('bp.ev.alert', { message: healthAlertText(a.code, a.value, `${a.message} ${a.action}`) }),
    });
    if (a.clearedAt !== null)
      out.push({
        ts: a.clearedAt,
        kind: 'cleared',
        icon: '✓',
        text: t('bp.ev.cleared', { what: clearedAlertText(a.code, a.value, a.recovery ?? a.message) }),
      });
  }
  for (const w of p.workRecords)
    out.push({
      ts: w.at,
      kind: 'work',
      icon: '⚙',
      text: t('bp.ev.work', { kind: t(`work.kind.${w.kind}`), by: w.by }),
      note: w.note,
    });
  return out.sort((a, b) => b.ts - a.ts);
}

/** @param {Passport} p */
function timeline(p) {
  const all = events(p);
  if (all.length === 0) return h('p', { class: 'muted', 'data-testid': 'passport-timeline' }, t('bp.timeline.none'));
  const shown = all.slice(0, TIMELINE_MAX);
  return h(
    'div',
    null,
    h(
      'ol',
      { class: 'bp-timeline', 'data-testid': 'passport-timeline' },
      shown.map((e) =>
        h(
          'li',
          { class: `bp-ev bp-ev-${e.kind}`, 'data-kind': e.kind },
          h('span', { class: 'bp-ev-icon', 'aria-hidden': 'true' }, e.icon),
          h('span', { class: 'bp-ev-when' }, when(e.ts)),
          h('span', { class: 'bp-ev-text' }, e.text, e.note ? ` — ${e.note}` : ''),
        ),
      ),
    ),
    all.length > shown.length && h('p', { class: 'muted' }, t('bp.timeline.older', { n: all.length - shown.length })),
  );
}

/** @param {PassportView} view @param {boolean} mechanic */
function workForm(view, mechanic) {
  const outcome =
    view.outcome &&
    h(
      'p',
      { class: `bp-outcome ${view.outcome.ok ? 'ok' : 'bad'}`, role: 'status', 'data-testid': 'work-outcome' },
      `${view.outcome.ok ? '✓' : '✖'} ${view.outcome.text}`,
    );
  if (!mechanic)
    return h('div', null, h('p', { class: 'muted', 'data-testid': 'work-login-hint' }, t('bp.work.login')), outcome);
  return h(
    'form',
    { class: 'bp-form', 'data-testid': 'work-form' },
    h(
      'label',
      null,
      t('bp.work.kind'),
      h(
        'select',
        { name: 'kind', 'data-testid': 'work-kind', required: true },
        WORK_KINDS.map((k) => h('option', { value: k }, t(`work.kind.${k}`))),
      ),
    ),
    h(
      'label',
      null,
      t('bp.work.note'),
      h('textarea', { name: 'note', rows: 2, maxlength: 1000, 'data-testid': 'work-note' }),
    ),
    h('p', { class: 'muted' }, t('bp.work.retireHint')),
    h(
      'button',
      { type: 'submit', class: 'button', 'data-testid': 'work-submit', disabled: view.pending },
      t('bp.work.save'),
    ),
    outcome,
  );
}

/**
 * @param {PassportView} view
 * @param {boolean} mechanic
 * @param {number} now
 */
export function renderPassport(view, mechanic, now) {
  const p = view.data;
  if (view.notFound)
    return h('section', { class: 'card', 'data-testid': 'passport' }, h('p', { class: 'muted' }, t('bp.none')));
  if (p === null)
    return h('section', { class: 'card', 'data-testid': 'passport' }, h('p', { class: 'muted' }, t('app.loading')));
  return h(
    'div',
    { class: 'passport', 'data-testid': 'passport' },
    h('section', { class: 'card' }, h('h3', null, t('bp.identity')), identity(p)),
    h('section', { class: 'card' }, h('h3', null, t('bp.estimates')), estimates(p)),
    h('section', { class: 'card' }, h('h3', null, t('bp.trend')), trend(p, now)),
    h('section', { class: 'card' }, h('h3', null, t('bp.work')), workForm(view, mechanic)),
    h('section', { class: 'card' }, h('h3', null, t('bp.timeline')), timeline(p)),
  );
}
