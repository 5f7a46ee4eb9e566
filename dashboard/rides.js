// Passengers' ride requests (`#/rides`, staff only): a form for a new request (a first name or pseudonym, where,
// when, what the ride needs), the open requests with a cancel button, and the counts that remain of old rides.
import { ApiError, deleteRideRequest, getRideRequests, postRideRequest } from './api.js';
import { h } from './dom.js';
import { locale, t } from './i18n.js';

/** @typedef {import('./api.js').RideRequestList} RideRequestList */

/** The needs the form offers, as the contract lists them. */
const NEEDS = /** @type {const} */ (['wheelchair-ramp', 'companion', 'walking-aid', 'guide-dog', 'extra-time']);

const view = {
  /** @type {RideRequestList | null} */
  list: null,
  /** @type {string | null} */
  error: null,
  /** @type {string | null} */
  notice: null,
};

/** @param {string} hash */
export function isRidesRoute(hash) {
  return /^#\/rides\/?$/.test(hash);
}

/** @param {() => void} unauthorized */
export async function loadRides(unauthorized) {
  try {
    view.list = await getRideRequests();
    view.error = null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return unauthorized();
    view.error = err instanceof Error ? err.message : String(err);
  }
}

/** @param {number} ms */
const when = (ms) => new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));

function form() {
  return h(
    'form',
    { class: 'card rides-form', 'data-form': 'ride-new', 'data-testid': 'ride-form' },
    h('h2', null, t('rides.new')),
    h('p', { class: 'muted' }, t('rides.privacy', { days: view.list?.retentionDays ?? 7 })),
    h(
      'label',
      null,
      t('rides.name'),
      h('input', { name: 'name', required: true, maxlength: 40, autocomplete: 'off', 'data-testid': 'ride-name' }),
    ),
    h(
      'label',
      null,
      t('rides.pickup'),
      h('input', { name: 'pickup', required: true, maxlength: 120, 'data-testid': 'ride-pickup' }),
    ),
    h(
      'label',
      null,
      t('rides.pickupAt'),
      h('input', { name: 'pickupAt', type: 'datetime-local', required: true, 'data-testid': 'ride-when' }),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, t('rides.needs')),
      NEEDS.map((need) =>
        h(
          'label',
          null,
          h('input', { type: 'checkbox', name: 'need', value: need, 'data-testid': `ride-need-${need}` }),
          t(`rides.need.${need}`),
        ),
      ),
    ),
    h('button', { type: 'submit', class: 'button', 'data-testid': 'ride-save' }, t('rides.save')),
  );
}

/** @param {RideRequestList['items'][number]} r */
function item(r) {
  return h(
    'li',
    { class: 'card ride', 'data-testid': 'ride' },
    h('strong', null, r.name),
    h('span', null, ` · ${when(r.pickupAt)} · ${r.pickup}`),
    r.needs.length > 0 && h('p', null, r.needs.map((n) => t(`rides.need.${n}`)).join(', ')),
    h('p', { class: 'muted' }, t('rides.forgetAt', { when: when(r.forgetAt) })),
    h(
      'button',
      { type: 'button', class: 'button', 'data-action': 'ride-cancel', 'data-id': r.id, 'data-testid': 'ride-cancel' },
      t('rides.cancel'),
    ),
  );
}

/** @param {boolean} staff */
export function renderRidesPage(staff) {
  const list = view.list;
  const body = !staff
    ? h('p', { class: 'muted', 'data-testid': 'rides-login-first' }, t('rides.loginFirst'))
    : [
        view.notice && h('p', { class: 'notice', role: 'status' }, view.notice),
        view.error && h('p', { class: 'notice bad', role: 'alert' }, view.error),
        form(),
        h('h2', null, t('rides.open')),
        list === null
          ? h('p', { class: 'muted' }, t('app.loading'))
          : list.items.length === 0
            ? h('p', { class: 'muted' }, t('rides.none'))
            : h('ul', { class: 'rides', 'data-testid': 'rides' }, list.items.map(item)),
        list &&
          list.tally.length > 0 &&
          h(
            'section',
            null,
            h('h2', null, t('rides.tally')),
            h(
              'ul',
              null,
              list.tally.map((d) => h('li', null, t('rides.tallyDay', { day: d.day, rides: d.rides }))),
            ),
          ),
      ];
  return h(
    'main',
    { class: 'page', 'data-testid': 'page-rides' },
    h('section', null, h('h1', null, t('rides.title')), body),
  );
}

/**
 * The form and the cancel buttons (delegated listeners; the page is rebuilt on every render).
 * @param {{ render: () => void, reload: () => void, unauthorized: () => void }} hooks
 */
export function installRidesActions(hooks) {
  /** @param {() => Promise<unknown>} action @param {string} done */
  const run = async (action, done) => {
    try {
      await action();
      view.notice = done;
      view.error = null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return hooks.unauthorized();
      view.error = err instanceof ApiError && err.detail ? err.detail : String(err);
    }
    hooks.render();
    hooks.reload();
  };
  document.addEventListener('submit', (event) => {
    const f = event.target;
    if (!(f instanceof window.HTMLFormElement) || f.getAttribute('data-form') !== 'ride-new') return;
    event.preventDefault();
    const data = new window.FormData(f);
    const body = {
      name: String(data.get('name') ?? '').trim(),
      pickup: String(data.get('pickup') ?? '').trim(),
      pickupAt: new Date(String(data.get('pickupAt') ?? '')).getTime(),
      needs: data.getAll('need').map(String),
    };
    void run(() => postRideRequest(body), t('rides.saved'));
  });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof window.Element ? event.target.closest('[data-action="ride-cancel"]') : null;
    const id = target?.getAttribute('data-id');
    if (id) void run(() => deleteRideRequest(id), t('rides.cancelled'));
  });
}
