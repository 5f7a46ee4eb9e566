// Draws the rental desk page: the day's bookings per station and rickshaw with their check-out and return forms, the
// open problem reports, and the forms to book a ride, make a rickshaw bookable and restrict an item. Pure rendering.
import { h } from './dom.js';
import { locale, t } from './i18n.js';
import { dayStart, rental } from './rental.js';

/** @typedef {import('./api.js').BookingView} BookingView */
/** @typedef {import('./api.js').RentalOverview} RentalOverview */
/** @typedef {RentalOverview['items'][number]} RentalItem */

/** @param {number} ms */
const hm = (ms) => new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
/** @param {number | null} v */
const pctText = (v) => (v === null ? '—' : `${Math.round(v)} %`);
/** @param {number} ms a datetime-local value */
function localValue(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** @param {string} id */
function rickshawName(id) {
  const item = rental.overview?.items.find((i) => i.id === id);
  return item?.name ?? `${t('rental.newRickshaw')} ${id.slice(-6)}`;
}

/** Every desk button waits while one action is under way (the key names it, for reading). @param {string} _key */
const busy = (_key) => rental.pending !== null;

/**
 * Packs the desk may hand out with a booking: at its station, not out, not blocked. Those the station reserved or
 * saw taken are ticked, up to the number booked.
 * @param {BookingView} b
 */
function checkoutForm(b) {
  const packs = (rental.overview?.items ?? []).filter(
    (i) => i.kind === 'pack' && i.stationId === b.stationId && !i.checkedOut && !i.disabled,
  );
  const taken = new Set(b.stationTakes.map((s) => s.packId));
  const reserved = packs.filter((p) => taken.has(p.id) || (p.dock !== null && b.reservation.docks.includes(p.dock)));
  const ticked = new Set(reserved.slice(0, b.packs).map((p) => p.id));
  return h(
    'form',
    { class: 'rental-form', 'data-form': 'rental-checkout', 'data-id': b.id, 'data-testid': `rental-checkout-${b.id}` },
    h('p', { class: 'muted' }, t('rental.choosePacks', { n: b.packs })),
    packs.length === 0 && h('p', { class: 'muted' }, t('rental.noPacks')),
    packs.map((p) =>
      h(
        'label',
        { class: 'rental-pack' },
        h('input', {
          type: 'checkbox',
          name: 'pack',
          value: p.id,
          checked: ticked.has(p.id),
          'data-testid': `pack-${p.id}`,
        }),
        ` ${p.id} · ${t('rental.dock', { dock: p.dock ?? '?' })} · ${pctText(p.socPct)}`,
      ),
    ),
    h('button', { type: 'submit', class: 'button primary', disabled: busy(`checkout:${b.id}`) }, t('rental.checkout')),
  );
}

/** @param {BookingView} b */
function returnForm(b) {
  return h(
    'form',
    { class: 'rental-form', 'data-form': 'rental-return', 'data-id': b.id, 'data-testid': `rental-return-${b.id}` },
    h(
      'label',
      null,
      t('rental.problem'),
      h('textarea', { name: 'problem', rows: 2, maxlength: 1000, 'data-testid': 'rental-problem' }),
    ),
    h('button', { type: 'submit', class: 'button primary', disabled: busy(`return:${b.id}`) }, t('rental.giveBack')),
  );
}

/** @param {BookingView} b */
function bookingCard(b) {
  const out = b.checkout;
  return h(
    'li',
    { class: `card rental-booking rental-${b.state}`, 'data-testid': `booking-${b.id}` },
    h(
      'div',
      { class: 'rental-head' },
      h('strong', null, `${hm(b.pickupAt)}–${hm(b.returnAt)}`),
      h('span', null, b.contact || '—'),
      h('span', { class: 'rental-state', 'data-testid': 'booking-state' }, t(`rental.state.${b.state}`)),
      h('span', { class: 'muted' }, b.id),
    ),
    h(
      'p',
      { class: 'muted' },
      t('rental.packsLine', { n: b.packs, state: t(`rental.res.${b.reservation.state}`) }),
      b.reservation.docks.length > 0 && ` · ${t('rental.docks', { docks: b.reservation.docks.join(', ') })}`,
    ),
    b.stationTakes.map((s) =>
      h('p', { class: 'muted' }, t('rental.taken', { pack: s.packId, dock: s.dock, at: hm(s.at) })),
    ),
    b.notices.map((n) => h('p', { class: 'notice' }, n)),
    out &&
      h(
        'p',
        { 'data-testid': 'booking-out' },
        t('rental.outLine', { at: hm(out.at), by: out.by, km: out.odometerKm ?? '—' }),
        out.packs.map((p) =>
          h('span', { class: 'rental-chip' }, `${p.packId} ${pctText(p.socOutPct)} → ${pctText(p.socBackPct)}`),
        ),
      ),
    b.return &&
      h('p', { 'data-testid': 'booking-back' }, t('rental.backLine', { at: hm(b.return.at), by: b.return.by })),
    b.cancelled && h('p', { class: 'muted' }, t('rental.cancelledLine', { reason: b.cancelled.reason || '—' })),
    b.state === 'booked' && [
      checkoutForm(b),
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          'data-action': 'rental-cancel',
          'data-id': b.id,
          disabled: busy(`cancel:${b.id}`),
        },
        t('rental.cancel'),
      ),
    ],
    b.state === 'out' && returnForm(b),
  );
}

/** The day: per station, per rickshaw, the bookings in pick-up order. */
function dayView() {
  if (rental.bookings === null) return h('p', { class: 'muted' }, t('app.loading'));
  const shown = rental.bookings.filter((b) => rental.station === '' || b.stationId === rental.station);
  if (shown.length === 0) return h('p', { class: 'muted', 'data-testid': 'rental-none' }, t('rental.none'));
  const stations = [...new Set(shown.map((b) => b.stationId))].sort();
  return stations.map((s) => {
    const rickshaws = [...new Set(shown.filter((b) => b.stationId === s).map((b) => b.rickshawId))].sort();
    return h(
      'section',
      { class: 'rental-station', 'data-testid': `rental-station-${s}` },
      h('h2', null, s),
      rickshaws.map((r) =>
        h(
          'div',
          { class: 'rental-rickshaw', 'data-testid': `rental-rickshaw-${r}` },
          h('h3', null, rickshawName(r)),
          h(
            'ul',
            { class: 'rental-list' },
            shown.filter((b) => b.stationId === s && b.rickshawId === r).map(bookingCard),
          ),
        ),
      ),
    );
  });
}

/** @param {string} name @param {string[]} values @param {(v: string) => string} label @param {string} testId */
function select(name, values, label, testId) {
  return h(
    'select',
    { name, required: true, 'data-testid': testId },
    values.map((v) => h('option', { value: v }, label(v))),
  );
}

function bookForm() {
  const o = rental.overview;
  const rickshaws = (o?.items ?? []).filter((i) => i.kind === 'rickshaw' && !i.disabled).map((i) => i.id);
  const stations = (o?.locations ?? []).map((l) => l.stationId);
  const start = Math.max(dayStart() + 9 * 3_600_000, Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return h(
    'details',
    { class: 'card rental-box', 'data-testid': 'rental-book' },
    h('summary', null, t('rental.bookTitle')),
    h(
      'form',
      { class: 'rental-form', 'data-form': 'rental-book', 'data-testid': 'rental-book-form' },
      h('label', null, t('rental.rickshaw'), select('rickshawId', rickshaws, rickshawName, 'book-rickshaw')),
      h(
        'label',
        null,
        t('rental.station'),
        select('stationId', stations, (s) => s, 'book-station'),
      ),
      h(
        'label',
        null,
        t('rental.pickup'),
        h('input', {
          type: 'datetime-local',
          name: 'pickupAt',
          required: true,
          value: localValue(start),
          'data-testid': 'book-pickup',
        }),
      ),
      h(
        'label',
        null,
        t('rental.returnAt'),
        h('input', {
          type: 'datetime-local',
          name: 'returnAt',
          required: true,
          value: localValue(start + 2 * 3_600_000),
          'data-testid': 'book-return',
        }),
      ),
      h(
        'label',
        null,
        t('rental.packs'),
        h('input', {
          type: 'number',
          name: 'packs',
          min: 0,
          max: 8,
          value: 1,
          required: true,
          'data-testid': 'book-packs',
        }),
      ),
      h(
        'label',
        null,
        t('rental.contact'),
        h('input', {
          type: 'text',
          name: 'contact',
          maxlength: 40,
          required: true,
          placeholder: t('rental.contactHint'),
          'data-testid': 'book-contact',
        }),
      ),
      h(
        'button',
        { type: 'submit', class: 'button primary', disabled: busy('book'), 'data-testid': 'book-submit' },
        t('rental.book'),
      ),
    ),
  );
}

function itemsForms() {
  const o = rental.overview;
  const items = (o?.items ?? []).map((i) => i.id);
  const label = (/** @type {string} */ id) => {
    const item = o?.items.find((i) => i.id === id);
    return item?.kind === 'rickshaw' ? rickshawName(id) : id;
  };
  const stations = (o?.locations ?? []).map((l) => l.stationId);
  return h(
    'details',
    { class: 'card rental-box', 'data-testid': 'rental-items' },
    h('summary', null, t('rental.itemsTitle')),
    h(
      'form',
      { class: 'rental-form', 'data-form': 'rental-timeframe', 'data-testid': 'rental-timeframe-form' },
      h('p', { class: 'muted' }, t('rental.timeframeHint')),
      h('label', null, t('rental.item'), select('itemId', items, label, 'tf-item')),
      h(
        'label',
        null,
        t('rental.station'),
        select('stationId', stations, (s) => s, 'tf-station'),
      ),
      h(
        'label',
        null,
        t('rental.days'),
        h('input', { type: 'number', name: 'days', min: 0, max: 366, value: 30, 'data-testid': 'tf-days' }),
      ),
      h(
        'button',
        { type: 'submit', class: 'button', disabled: busy('timeframe'), 'data-testid': 'tf-submit' },
        t('rental.addTimeframe'),
      ),
    ),
    h(
      'ul',
      { class: 'rental-list' },
      (o?.timeframes ?? []).map((f) =>
        h(
          'li',
          { class: 'muted' },
          t('rental.timeframeLine', {
            item: label(f.itemId),
            station: f.stationId,
            from: new Date(f.from).toLocaleDateString(locale()),
            to: f.to === null ? '∞' : new Date(f.to).toLocaleDateString(locale()),
          }),
        ),
      ),
    ),
    h(
      'form',
      { class: 'rental-form', 'data-form': 'rental-restrict', 'data-testid': 'rental-restrict-form' },
      h('label', null, t('rental.item'), select('itemId', items, label, 'rs-item')),
      h(
        'label',
        null,
        t('rental.kind'),
        select('kind', ['notice', 'breakdown'], (k) => t(`rental.kind.${k}`), 'rs-kind'),
      ),
      h(
        'label',
        null,
        t('rental.text'),
        h('input', { type: 'text', name: 'text', maxlength: 500, required: true, 'data-testid': 'rs-text' }),
      ),
      h('button', { type: 'submit', class: 'button', disabled: busy('restrict') }, t('rental.restrict')),
    ),
    h(
      'ul',
      { class: 'rental-list' },
      (o?.restrictions ?? []).map((r) =>
        h(
          'li',
          { class: 'rental-restriction' },
          `${t(`rental.kind.${r.kind}`)}: ${label(r.itemId)} — ${r.text}`,
          r.concerns.length > 0 &&
            ` (${t('rental.concerns', { who: r.concerns.map((c) => `${c.contact}/${c.deskUser}`).join(', ') })})`,
          h(
            'button',
            { type: 'button', class: 'button', 'data-action': 'rental-lift', 'data-id': r.id },
            t('rental.lift'),
          ),
        ),
      ),
    ),
  );
}

function problemsView() {
  const list = rental.problems ?? [];
  return h(
    'section',
    { class: 'rental-problems', 'data-testid': 'rental-problems' },
    h('h2', null, t('rental.problemsTitle')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('rental.noProblems'))
      : h(
          'ul',
          { class: 'rental-list' },
          list.map((p) =>
            h(
              'li',
              { class: 'card', 'data-testid': `problem-${p.id}` },
              h('p', null, h('strong', null, rickshawName(p.itemId)), ` · ${p.bookingId ?? ''} · ${p.reportedBy}`),
              h('p', { 'data-testid': 'problem-text' }, p.text),
              h(
                'button',
                {
                  type: 'button',
                  class: 'button',
                  'data-action': 'rental-close-problem',
                  'data-id': p.id,
                  disabled: busy(`close:${p.id}`),
                },
                t('rental.closeProblem'),
              ),
            ),
          ),
        ),
  );
}

/** @param {boolean} staff */
export function renderRentalPage(staff) {
  const body = !staff
    ? h('p', { class: 'muted', 'data-testid': 'rental-login-first' }, t('rental.loginFirst'))
    : [
        h(
          'div',
          { class: 'rental-pick' },
          h(
            'label',
            null,
            t('rental.day'),
            h('input', { type: 'date', value: rental.day, 'data-testid': 'rental-day' }),
          ),
          h(
            'label',
            null,
            t('rental.station'),
            h(
              'select',
              { 'data-testid': 'rental-station-filter' },
              h('option', { value: '', selected: rental.station === '' }, t('rental.allStations')),
              (rental.overview?.locations ?? []).map((l) =>
                h('option', { value: l.stationId, selected: rental.station === l.stationId }, l.stationId),
              ),
            ),
          ),
        ),
        rental.outcome &&
          h(
            'p',
            { class: `notice ${rental.outcome.ok ? 'ok' : 'bad'}`, role: 'status', 'data-testid': 'rental-outcome' },
            rental.outcome.text,
          ),
        rental.error && h('p', { class: 'notice bad', role: 'alert' }, t('rental.loadFailed', { error: rental.error })),
        bookForm(),
        h('div', { class: 'rental-day', 'data-testid': 'rental-dayview' }, dayView()),
        problemsView(),
        itemsForms(),
      ];
  return h(
    'main',
    { class: 'page', 'data-testid': 'page-rental' },
    h('section', { class: 'rental-page' }, h('h1', null, t('rental.title')), body),
  );
}
